#!/usr/bin/env bash
# Bring the interface translations up to date after UI text changed in the code or templates:
#
#   1. extract every msgid (babel.cfg: Python files and templates; keywords _, gettext, ngettext,
#      _l, lazy_gettext) into translations/messages.pot;
#   2. merge it into each catalogue, translations/<lang>/LC_MESSAGES/messages.po: existing
#      translations are kept, new or reworded msgids arrive empty, removed ones are dropped (no
#      fuzzy guesses from similar msgids: they were mostly wrong and their placeholders can clash);
#   3. compile the .mo files the app loads (they are not in git; scripts/setup.sh compiles too);
#   4. print how many msgids each catalogue still has untranslated or fuzzy.
#
#   bash scripts/i18n.sh
#
# Then translate the empty entries in the .po (and any a translator flagged fuzzy) and run the
# script again. tests/test_i18n.py fails while any msgid is untranslated or fuzzy.
#
# The Chinese catalogue is translations/zh_Hans_CN: Babel reads the configured locale zh_CN as
# zh_Hans_CN (language, script, territory) and looks for a directory of that name. A new language:
#   .venv/bin/pybabel init -i translations/messages.pot -d translations -l <locale>
#
# Locations are written as file names without line numbers: the translator still sees where a
# string is used, and the .po diff stays quiet when unrelated lines move.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYBABEL=.venv/bin/pybabel
POT=translations/messages.pot

# Directories starting with "." (.venv, .git) are skipped; babel.cfg picks the files.
fresh="$(mktemp)"
trap 'rm -f "$fresh"' EXIT
"$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext --add-location=file --sort-output \
  --project="Hotline On-Air Console" -o "$fresh" .

# A new extraction differs in its creation date only, unless a msgid changed: keep the old file
# then, so that an unchanged catalogue leaves git clean.
without_date() { grep -v '^"POT-Creation-Date:' "$1"; }
if [[ -f $POT ]] && cmp -s <(without_date "$fresh") <(without_date "$POT"); then
  echo "i18n: no UI text changed"
else
  cp "$fresh" "$POT"
  echo "i18n: $POT rewritten"
fi

"$PYBABEL" -q update -i "$POT" -d translations --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
# Without -f: an entry flagged fuzzy is not trusted yet, so English shows until it is checked.
"$PYBABEL" -q compile -d translations

.venv/bin/python - <<'EOF'
"""Count what each catalogue still needs from a translator."""
from pathlib import Path

from babel.messages.pofile import read_po

for po in sorted(Path("translations").glob("*/LC_MESSAGES/messages.po")):
    with po.open("rb") as f:
        catalog = read_po(f)
    messages = [m for m in catalog if m.id]
    # A plural entry's string is a tuple, one form per plural; every form needs a translation.
    untranslated = [m for m in messages if not all(m.string if isinstance(m.string, tuple) else [m.string])]
    fuzzy = [m for m in messages if m.fuzzy]
    print(f"i18n: {po}: {len(messages)} msgids, {len(untranslated)} untranslated, {len(fuzzy)} fuzzy")
EOF
