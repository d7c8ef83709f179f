"""Sets translations in one catalog from a JSON file: {"msgid": "text"} or, for plurals,
{"msgid": ["form 0", "form 1", ...]}; a context is written as "context|msgid".

    .venv/bin/python scripts/set_translations.py nl new-texts.json

Marks nothing fuzzy; unknown msgids are reported and skipped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def main(code: str, source: str) -> int:
    po = LOCALES / code / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=None if code == "srn" else code)
    wanted = json.loads(Path(source).read_text("utf-8"))
    missing = []
    for key, text in wanted.items():
        context, _, msgid = key.rpartition("|") if "|" in key else (None, "", key)
        message = next((m for m in catalog if m.id and (m.id if isinstance(m.id, str)
                                                        else m.id[0]) == msgid
                        and m.context == (context or None)), None)
        if message is None:
            missing.append(key)
            continue
        message.string = tuple(text) if isinstance(text, list) else text
        message.flags.discard("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog, omit_header=False)
    for key in missing:
        print(f"not in the {code} catalog: {key!r}", file=sys.stderr)
    print(f"{code}: {len(wanted) - len(missing)} set")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
