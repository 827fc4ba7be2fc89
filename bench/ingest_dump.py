"""Dump what an ingest wrote, to compare two versions of the code on the same generated world.

    python bench/ingest_dump.py sqlite:////tmp/bench-ingest-XXXX/bench.db OUTDIR   # after bench/ingest.py --keep
    python bench/ingest_dump.py postgresql+psycopg://postgres@127.0.0.1:5432/NAME OUTDIR

Writes ``OUTDIR/outcome.tsv`` (per source row: file, row number, status, entity id, link method,
probability) and ``OUTDIR/tables.tsv`` (per table: row count and an md5 of its content in id order, with
each value's storage type on SQLite). Timestamps (``DateTime`` columns) enter the checksum as their shape
only (runs of digits masked), and an import batch's report without its ``seconds``: they differ from run to run.
``diff -r`` of two such folders shows whether two runs wrote the same thing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from sqlalchemy import DateTime, create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402,F401  (registers every table)
from models.base import Base  # noqa: E402

OUTCOME = """
    SELECT b.filename, s.row_number, s.status, s.entity_id, s.link_method, s.link_probability
    FROM source_record s JOIN import_batch b ON b.id = s.batch_id ORDER BY b.filename, s.row_number, s.id
"""


def _value(column, kind, value) -> str:
    if value is not None and isinstance(column.type, DateTime):
        return re.sub(r"\d+", "d", str(value))
    if column.table.name == "import_batch" and column.name == "report" and value is not None:
        report = json.loads(value) if isinstance(value, str) else dict(value)
        report.pop("seconds", None)
        return json.dumps(report, sort_keys=True)
    return f"{kind}:{value!r}"


def main() -> None:
    """Write the two files for the database at ``url`` into the folder ``out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the database an import wrote (SQLAlchemy URL)")
    parser.add_argument("out", type=Path, help="folder for outcome.tsv and tables.tsv")
    args = parser.parse_args()
    url, out = make_url(args.url), args.out
    out.mkdir(parents=True, exist_ok=True)
    sqlite = url.get_backend_name() == "sqlite"
    engine = create_engine(url)
    with engine.connect() as conn:
        with (out / "outcome.tsv").open("w") as f:
            for row in conn.execute(text(OUTCOME)):
                f.write("\t".join("" if v is None else str(v) for v in row) + "\n")
        lines = []
        for table in Base.metadata.sorted_tables:
            cols = list(table.columns)
            if sqlite:
                select_list = ", ".join(f'typeof("{c.name}"), "{c.name}"' for c in cols)
            else:
                select_list = ", ".join(f"pg_typeof(\"{c.name}\")::text, \"{c.name}\"::text" for c in cols)
            order = "id" if "id" in table.columns else "1"
            digest, count = hashlib.md5(), 0  # noqa: S324 - a checksum, not security
            for row in conn.execute(text(f'SELECT {select_list} FROM "{table.name}" ORDER BY {order}')):  # noqa: S608
                count += 1
                digest.update("\x1f".join(_value(c, row[2 * i], row[2 * i + 1])
                                          for i, c in enumerate(cols)).encode() + b"\x1e")
            lines.append(f"{table.name}\t{count}\t{digest.hexdigest()}")
        (out / "tables.tsv").write_text("\n".join(lines) + "\n")
    print(f"wrote {out / 'outcome.tsv'} and {out / 'tables.tsv'}")


if __name__ == "__main__":
    main()
