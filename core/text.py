"""Text shared by the live show and the follow-up: masking a phone number, masking what identifies
a person in a text meant for the public, and cutting Chinese text into the words that tell one
matter from another.

Chinese has no spaces, so text is cut into words with jieba.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import jieba
import jieba.posseg

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


# What identifies a person in a text meant for the public. The proposal errs on the side of masking;
# an editor reads every proposal before it is published and puts back what was masked needlessly.
ID_NUMBER = re.compile(r"(?<![0-9Xx])[1-9][0-9]{16}[0-9Xx](?![0-9Xx])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])0[0-9]{2,3}-?[1-9][0-9]{6,7}(?![0-9])")
# The numbered parts of an address (12号, 3栋502室, 1088弄5号1201室); a road or an estate without
# its numbers names no one. Not a date (3月12号) or a metro line (10号线).
_NUMBER = r"(?:[0-9０-９]+|[一二三四五六七八九十百零]+)"
_PART = r"(?:号楼|号院|号|弄|栋|幢|单元|室|层|座|户)"
ADDRESS_NUMBERS = re.compile(rf"(?<![0-9月])(?:{_NUMBER}-?{_PART})+(?!线)")
MASK = "***"
NAME_LENGTHS = (2, 3)  # jieba tags other words as names too; a Chinese name is two or three characters


def mask_person(name: str) -> str:
    """The surname and two stars whatever the length (张**), so the length says nothing either."""
    name = name.strip()
    return name[0] + "**" if name else ""


def mask_personal(text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> str:
    """``text`` with ID numbers, phone numbers, the known ``addresses`` and numbered address
    parts, the known ``names`` and the words jieba tags as person names masked."""
    text = ID_NUMBER.sub(lambda m: m.group()[:3] + "*" * 14 + m.group()[-1], text)
    text = MOBILE.sub(lambda m: mask_number(m.group()), text)
    text = LANDLINE.sub(lambda m: mask_number(m.group()), text)
    for address in sorted({a.strip() for a in addresses if a.strip()}, key=len, reverse=True):
        text = text.replace(address, MASK)
    text = ADDRESS_NUMBERS.sub(MASK, text)
    for name in sorted({n.strip() for n in names if len(n.strip()) > 1}, key=len, reverse=True):
        text = text.replace(name, mask_person(name))
    return "".join(
        mask_person(word) if flag == "nr" and len(word) in NAME_LENGTHS and "*" not in word else word
        for word, flag in jieba.posseg.cut(text)
    )
