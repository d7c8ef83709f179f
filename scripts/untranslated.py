"""Prints the untranslated entries of one catalog as JSON, ready to fill in for
``scripts/set_translations.py``: ``{"msgid": ""}``, or for a plural ``{"msgid": ["singular",
"plural"]}`` (give as many forms as the language has); a context is written ``"ctx|msgid"``.

    .venv/bin/python scripts/untranslated.py tr > todo.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def untranslated(code: str) -> dict[str, str | list[str]]:
    with (LOCALES / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=None if code == "srn" else code)
    found: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings):
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        key = f"{message.context}|{msgid}" if message.context else msgid
        found[key] = "" if isinstance(message.id, str) else list(message.id)
    return found


if __name__ == "__main__":
    print(json.dumps(untranslated(sys.argv[1]), ensure_ascii=False, indent=1))
