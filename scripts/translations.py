"""Catalogue chores: report untranslated messages, fill the English catalogue, apply Chinese translations.

    python scripts/translations.py check            # exit 1 and list what is missing or fuzzy
    python scripts/translations.py fill-en          # English msgstr = msgid
    python scripts/translations.py apply zh.json    # {"msgid": "译文", ...} into the zh_Hans_CN catalogue

Run `flask --app wsgi translate update` first so the catalogues hold every message in the code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {
    "en": ROOT / "regulator/translations/en/LC_MESSAGES/messages.po",
    "zh_Hans_CN": ROOT / "regulator/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
}


def load(path: Path) -> Catalog:
    """Read a .po file."""
    with path.open("rb") as fh:
        return read_po(fh)


def save(catalog: Catalog, path: Path) -> None:
    """Write a .po file without line numbers (stable diffs)."""
    with path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, no_location=True, sort_output=True, width=100)


def missing(catalog: Catalog) -> list[str]:
    """Message ids without a translation, or marked fuzzy."""
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def main(argv: list[str]) -> int:
    """Dispatch the sub-command."""
    command = argv[1] if len(argv) > 1 else "check"
    if command == "check":
        problems = {lang: missing(load(path)) for lang, path in CATALOGUES.items()}
        for lang, ids in problems.items():
            for message_id in ids:
                sys.stdout.write(f"{lang}: untranslated: {message_id}\n")
        return 1 if any(problems.values()) else 0
    if command == "fill-en":
        catalog = load(CATALOGUES["en"])
        for message in catalog:
            if message.id:
                message.string = message.id if isinstance(message.id, str) else tuple(message.id)
                message.flags.discard("fuzzy")
        save(catalog, CATALOGUES["en"])
        return 0
    if command == "apply":
        translations = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        catalog = load(CATALOGUES["zh_Hans_CN"])
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in translations:
                value = translations[key]
                message.string = tuple(value) if isinstance(value, list) else value
                message.flags.discard("fuzzy")
        save(catalog, CATALOGUES["zh_Hans_CN"])
        left = missing(catalog)
        sys.stdout.write(f"{len(left)} messages still untranslated\n")
        return 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
