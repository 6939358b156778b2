"""Hot topics (热点问题): the words callers used most in a period, from the subjects the producers
typed on the callers' cards, across every session or for one unit's matters.

Each call's subject (with its details added when the subject is too short to say much) is cut into
words with jieba. A word counts once per call however often the caller repeats it, so a topic's
count is the number of calls that raised it. Words every hotline call shares (市民, 反映, 咨询,
投诉, 问题…) and single characters are left out: they name no topic.

jieba's accurate mode is used here rather than the search mode of core.text.words: search
mode also yields the pieces of a long word (法律援助 → 法律, 援助), which would count one call
three times under three names.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import jieba
from sqlalchemy import func, select

from broadcast.models import AirSession
from console.models import Call
from core.extensions import db
from core.text import STOPWORDS

SHORT_SUBJECT = 10  # characters; a subject shorter than this is read together with the details
EXAMPLES = 3

# Words of the hotline's own routine, on top of core.text's general ones.
HOTLINE_STOPWORDS = frozenset(
    {
        "市民",
        "群众",
        "居民",
        "来电",
        "反映",
        "咨询",
        "投诉",
        "举报",
        "求助",
        "建议",
        "表扬",
        "问题",
        "请问",
        "希望",
        "要求",
        "处理",
        "解决",
        "办理",
        "相关",
        "有关",
        "部门",
        "多次",
        "一直",
        "已经",
        "目前",
        "现在",
        "为什么",
        "是否",
        "能否",
        "怎样",
        "多久",
        "时候",
        "什么",
        "情况",
        "无人",
        "没人",
        "不给",
        "不予",
        "应该",
        "这样",
        "我家",
        "自己",
        "申请",
        "使用",
        "迟迟",
        "一次",
        "至今",
        "始终",
        "仍然",
        "到底",
        "哪些",
        "为何",
        "还是",
        "热线",
        "清楚",
    }
)
IGNORED = frozenset(STOPWORDS) | HOTLINE_STOPWORDS
# Counts and amounts (三次, 两年, 20万元) and two-character negations (不修, 不出) say how, not what.
NOT_A_TOPIC = re.compile(r"^[0-9０-９一二三四五六七八九十两几百千万多半]+[^\W\d]?$|^不\w$")


@dataclass(frozen=True)
class Topic:
    word: str
    count: int  # calls that raised it
    examples: list[str] = field(default_factory=list)  # a few of those calls' subjects, latest first


@dataclass(frozen=True)
class HotTopics:
    topics: list[Topic]
    calls: int  # calls with a subject or details in the period


def topic_words(text: str) -> set[str]:
    """The words of one call that may name a topic (each once)."""
    return {
        w
        for w in (token.strip() for token in jieba.lcut(text.lower()))
        if len(w) > 1 and w not in IGNORED and not NOT_A_TOPIC.match(w) and any(ch.isalnum() for ch in w)
    }


def call_text(subject: str, details: str) -> str:
    subject, details = subject.strip(), details.strip()
    if len(subject) < SHORT_SUBJECT and details:
        return f"{subject} {details}".strip()
    return subject


def hot_topics(
    start: date, end: date, limit: int = 20, unit_id: int | None = None, min_calls: int = 1
) -> HotTopics:
    """The ``limit`` most raised words in the calls of sessions aired in [start, end], most calls
    first (ties by word), each raised by at least ``min_calls`` calls. With ``unit_id``: only calls
    about that unit's matters (the card's unit, else the session's)."""
    query = (
        select(Call.subject, Call.details)
        .join(AirSession, AirSession.id == Call.session_id)
        .where(AirSession.air_date >= start, AirSession.air_date <= end)
        .where((Call.subject != "") | (Call.details != ""))
        .order_by(AirSession.air_date.desc(), Call.id.desc())
    )
    if unit_id is not None:
        query = query.where(func.coalesce(Call.unit_id, AirSession.unit_id) == unit_id)
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    calls = 0
    for subject, details in db.session.execute(query):
        calls += 1
        shown = (subject or details or "").strip()[:80]
        for word in topic_words(call_text(subject or "", details or "")):
            counts[word] += 1
            seen = examples.setdefault(word, [])
            if len(seen) < EXAMPLES and shown not in seen:
                seen.append(shown)
    recurring = [(w, n) for w, n in counts.items() if n >= min_calls]
    ranked = sorted(recurring, key=lambda item: (-item[1], item[0]))[: max(limit, 0)]
    return HotTopics(topics=[Topic(w, n, examples[w]) for w, n in ranked], calls=calls)
