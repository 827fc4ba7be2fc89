"""``python -m risk.campaign INPUTS.json``: verify a published draw offline (exit 0 when it verifies)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .public import describe, verify_document, version_note


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m risk.campaign INPUTS.json\n")
        return 2
    try:
        document = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        result = verify_document(document)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"{argv[0]}: {exc}\n")
        return 2
    sys.stdout.write("\n".join(version_note(document) + describe(result)) + "\n")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
