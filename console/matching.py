"""Find the unit's prepared answer that best fits a caller's matter.

Chinese has no spaces, so both the card and the prepared questions are cut into words with
jieba; answers are ranked by the words they share with the card, rarer words weighing more.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import jieba

from console.models import Call

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

# Words too common in hotline calls to tell one matter from another.
STOPWORDS = {
    "的",
    "了",
    "是",
    "我",
    "我们",
    "你们",
    "他们",
    "请问",
    "怎么",
    "怎么办",
    "什么",
    "如何",
    "可以",
    "需要",
    "一下",
    "这个",
    "那个",
    "问题",
    "情况",
    "反映",
    "想",
    "问",
    "能",
    "不能",
    "没有",
    "有",
    "在",
    "和",
    "与",
    "到",
    "去",
    "要",
    "吗",
    "呢",
    "啊",
    "吧",
    "就",
    "都",
    "也",
    "还",
    "给",
    "让",
    "被",
    "对",
    "从",
}


def warm_up() -> None:
    jieba.initialize()


def words(text: str) -> set[str]:
    return {
        w
        for w in jieba.lcut_for_search(text.lower())
        if w.strip() and w not in STOPWORDS and (len(w) > 1 or (w.isalnum() and not w.isascii()))
    }


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
