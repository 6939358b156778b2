"""The Chinese interface: the zh_CN catalogue is complete, up to date with the code, and what a
person sees by default; English is one click away.

The compiled catalogues (.mo) are not in git. The module fixture compiles them when missing or
older than the .po, so that ``pytest`` alone works after a fresh checkout.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
# Flask-Babel reads the configured locale zh_CN as zh_Hans_CN and looks for a directory of that name.
ZH_PO = TRANSLATIONS / str(Locale.parse("zh_CN")) / "LC_MESSAGES" / "messages.po"
# The keywords scripts/i18n.sh extracts: babel's defaults (_, gettext, ngettext, …) and the lazy ones.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
I18N_SCRIPT = re.compile(r"window\.I18N = (\{.*?\});</script>", re.S)


def read_catalog(po: Path) -> Catalog:
    with po.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues() -> None:
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        # Written aside and renamed, so that a running app never loads half a file.
        fd, partial = tempfile.mkstemp(dir=mo.parent, suffix=".mo")
        with os.fdopen(fd, "wb") as f:
            write_mo(f, read_catalog(po))
        os.chmod(partial, 0o644)  # mkstemp's 0600 would hide it from an app running as another user
        os.replace(partial, mo)


def messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def msgid(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def is_translated(message: Message) -> bool:
    """Every form of it: a plural entry has one string per plural form."""
    return all(message.string if isinstance(message.string, tuple) else [message.string])


def extracted_msgids() -> dict[str, str]:
    """Every msgid in the code and templates, with the first file using it."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, str] = {}
    # As `pybabel extract .`: directories starting with "." (.venv, .git) are skipped.
    for filename, _line, text, _notes, _context in extract_from_dir(ROOT, method_map, options_map, KEYWORDS):
        found.setdefault(text[0] if isinstance(text, tuple) else text, filename)
    return found


def page_strings(html: str) -> dict[str, str]:
    match = I18N_SCRIPT.search(html)
    assert match, "the page sets no window.I18N"
    return json.loads(match.group(1))


def test_every_msgid_has_a_chinese_translation() -> None:
    catalog = read_catalog(ZH_PO)
    untranslated = [msgid(m) for m in messages(catalog) if not is_translated(m)]
    fuzzy = [msgid(m) for m in messages(catalog) if m.fuzzy]
    assert untranslated == [], f"untranslated in {ZH_PO.relative_to(ROOT)}"
    assert fuzzy == [], f"fuzzy (to be checked, then unflagged) in {ZH_PO.relative_to(ROOT)}"


def test_the_catalogue_has_every_msgid_of_the_code() -> None:
    known = {msgid(m) for m in messages(read_catalog(ZH_PO))}
    missing = {text: filename for text, filename in extracted_msgids().items() if text not in known}
    assert missing == {}, "not in the catalogue; run `bash scripts/i18n.sh` and translate them"


def test_the_login_page_is_chinese_by_default(app) -> None:
    html = app.test_client().get("/login").get_data(as_text=True)
    assert "热线直播台" in html
    assert "Hotline On-Air Console" not in html


def test_a_producer_sees_the_seat_in_chinese(
    demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    html = as_user("producer").get(f"/live/{demo.id}/producer").get_data(as_text=True)
    assert "开始直播" in html
    assert "Go live" not in html


def test_after_choosing_english_the_seat_is_in_english(
    demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    producer = as_user("producer")
    producer.get("/lang/en")
    html = producer.get(f"/live/{demo.id}/producer").get_data(as_text=True)
    assert "Go live" in html
    assert "开始直播" not in html


def test_enum_labels_for_scripts_are_chinese_by_default(
    demo: SimpleNamespace, as_user: Callable[[str], FlaskClient]
) -> None:
    strings = page_strings(as_user("producer").get(f"/live/{demo.id}/producer").get_data(as_text=True))
    assert strings["Category.complaint"] == "投诉"
    assert strings["CallState.on_air"] == "直播中"
    assert strings["Channel.manual"] == "手工登记"
    assert strings["Satisfaction.basic"] == "基本满意"


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", "管理员"),
        ("oversight", "纠风办"),
        ("producer", "导播"),
        ("host", "主持人"),
        ("official", "上线嘉宾"),
        ("clerk", "记录员"),
        ("handler", "承办人"),
        ("reviewer", "审核人"),
        ("callback", "回访员"),
    ],
)
def test_the_top_bar_names_the_role_in_chinese(
    as_user: Callable[[str], FlaskClient], username: str, role: str
) -> None:
    html = as_user(username).get("/", follow_redirects=True).get_data(as_text=True)
    who = re.search(r'<span class="who">(.*?)</span>', html, re.S)
    assert who and who.group(1).endswith(f"· {role}")
