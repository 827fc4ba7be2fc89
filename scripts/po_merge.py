"""A git merge driver for .po catalogues: keeps every message of both sides.

Two branches that each add strings both change the catalogue; a line merge conflicts on nearly every
hunk. This driver takes the union of the messages; where both sides translate one message
differently, the current side (ours) wins. Enable it once per clone:

    git config merge.pomerge.driver ".venv/bin/python scripts/po_merge.py %O %A %B"

(.gitattributes already routes *.po to it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def merge(ours_path: Path, theirs_path: Path) -> None:
    """Write the union of both catalogues to ``ours_path``."""
    with ours_path.open("rb") as fh:
        ours = read_po(fh)
    with theirs_path.open("rb") as fh:
        theirs = read_po(fh)
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id)
        if mine is None:
            ours[message.id] = message
        elif not mine.string and message.string:
            mine.string = message.string
            mine.flags = set(message.flags)
    with ours_path.open("wb") as fh:
        write_po(fh, ours, no_location=True, sort_output=True, width=100)


if __name__ == "__main__":
    _base, ours_arg, theirs_arg = sys.argv[1:4]
    merge(Path(ours_arg), Path(theirs_arg))
