"""Find the unit's prepared answer that best fits a caller's matter, and the unit's material the
officials fall back on when none fits.

Both the card and the prepared questions are cut into words (core.text.words); answers are ranked
by the words they share with the card, rarer words weighing more.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from broadcast.models import MaterialKind
from console.models import Call
from core.text import words

# What an official says when no prepared answer fits: what the unit does and what it promises.
FALLBACK_MATERIAL = (MaterialKind.FUNCTIONS, MaterialKind.COMMITMENTS)


def unit_material(call: Call) -> list[dict[str, Any]]:
    """The session's material on the unit's functions and service commitments, in that order."""
    materials = call.session.materials
    return [m.to_json() for kind in FALLBACK_MATERIAL for m in materials if m.kind == kind]


def best_answers(call: Call, limit: int = 3) -> list[dict[str, Any]]:
    """The prepared answers of the call's session that share words with the card, best first."""
    query = words(f"{call.subject} {call.details}")
    answers = call.session.prepared_answers
    if not query or not answers:
        return []
    documents = [words(f"{a.question} {a.answer}") for a in answers]
    # Words found in few answers tell more than words found in all of them.
    seen_in = Counter(w for doc in documents for w in doc)
    idf = {w: math.log((1 + len(documents)) / (1 + n)) + 1 for w, n in seen_in.items()}
    ranked = []
    for answer, doc in zip(answers, documents, strict=True):
        shared = query & doc
        if shared:
            score = sum(idf[w] for w in shared) / math.sqrt(len(doc))
            ranked.append((score, answer, sorted(shared)))
    ranked.sort(key=lambda item: item[0], reverse=True)
    return [
        {**answer.to_json(), "score": round(score, 3), "matched": matched}
        for score, answer, matched in ranked[:limit]
    ]
