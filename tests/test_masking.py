"""Masking what identifies a person in a text meant for the public: names (the ones the case knows
and those jieba tags as person names), mobile and landline numbers, 18-digit ID numbers and
addresses (the one the case knows, and numbered house, building and room parts)."""

from __future__ import annotations

import pytest

from core.text import mask_personal

KNOWN = {"names": ["张秀英"], "addresses": ["幸福小区"]}

EXAMPLES = [
    # (text, must be gone, must be there)
    (
        "我叫王建国，住在解放路12号幸福小区3栋502室，电话13912345678，身份证号110105198001011234。",
        ["王建国", "12号", "幸福小区", "502室", "13912345678", "110105198001011234", "19800101"],
        ["王**", "解放路", "139****5678", "身份证号"],
    ),
    ("请联系张伟科长，电话021-62345678。", ["张伟", "62345678"], ["张**科长", "021"]),
    ("来电人张秀英反映情况属实。", ["张秀英"], ["张**反映情况属实"]),
    ("家住愚园路1088弄5号1201室，楼道灯不亮。", ["1088", "1201"], ["愚园路", "楼道灯不亮"]),
    ("身份证31010419850612002X已经过期。", ["31010419850612002X", "19850612"], ["已经过期"]),
    # Nothing personal: left as written.
    (
        "小区门口路灯坏了三个月，3月12号报修至今无人处理。",
        [],
        ["小区门口路灯坏了三个月，3月12号报修至今无人处理。"],
    ),
    ("请拨打12345热线或登录政务网。", [], ["请拨打12345热线或登录政务网。"]),
]


@pytest.mark.parametrize(("text", "gone", "kept"), EXAMPLES)
def test_personal_details_are_masked_and_the_rest_is_kept(
    text: str, gone: list[str], kept: list[str]
) -> None:
    masked = mask_personal(text, **KNOWN)

    for secret in gone:
        assert secret not in masked, (secret, masked)
    for words in kept:
        assert words in masked, (words, masked)


def test_masking_twice_changes_nothing_more() -> None:
    once = mask_personal(EXAMPLES[0][0], **KNOWN)
    assert mask_personal(once, **KNOWN) == once
