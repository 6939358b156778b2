"""Text shared by the live show and the follow-up: masking a phone number, and cutting Chinese
text into the words that tell one matter from another.

Chinese has no spaces, so text is cut into words with jieba.
"""

from __future__ import annotations

import jieba

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
    """Load jieba's dictionary now: it takes seconds, which no seat should wait for."""
    jieba.initialize()


def words(text: str) -> set[str]:
    """The telling words of ``text`` (jieba's search mode, without the stop-words)."""
    return {
        w
        for w in jieba.lcut_for_search(text.lower())
        if w.strip() and w not in STOPWORDS and (len(w) > 1 or (w.isalnum() and not w.isascii()))
    }


def mask_number(number: str | None) -> str:
    """138****5678: enough for the studio to tell callers apart, not enough to call them."""
    if not number:
        return ""
    digits = number.strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) < 8:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
