"""The demo's hand-keyed supplement: a few inspection rows typed in late, with the mistakes such files have.

The generated agency files are clean, so without this the demo's quarantine would be empty. The supplement
copies the market regulator's first inspection rows under new numbers and breaks one rule in most of them
(an impossible date, no name and no code, a result the mapping does not know, a probability in words, an
extra field); it is imported like any file, and its rejected rows wait in the quarantine to be corrected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from models import ImportBatch

from ..ingest.pipeline import IngestOptions, ingest_file

AGENCY = "SAMR"
SOURCE = Path("SAMR") / "samr_inspections.csv"
NAME = "samr_inspections_supplement.csv"
#: column -> the mistaken value, one per row (None: the row is copied as it is)
MISTAKES: list[tuple[str, str] | None] = [
    ("检查日期", "2024-02-30"),
    ("企业名称", ""),
    ("检查结果", "待复查"),
    ("抽取概率", "约一成"),
    None,
    ("检查日期", "2024/13/01"),
    ("__extra__", "多出的一列"),
    None,
]


def supplement_rows(source: Path) -> str:
    """The supplement's CSV text, from the first rows of the generated inspections file."""
    with source.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [row for _, row in zip(MISTAKES, reader, strict=False)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for number, (row, mistake) in enumerate(zip(rows, MISTAKES, strict=False), start=1):
        row = list(row)
        row[0] = f"BL{number:04d}"  # the supplement's own inspection numbers
        if mistake and mistake[0] == "__extra__":
            row.append(mistake[1])
        elif mistake:
            row[header.index(mistake[0])] = mistake[1]
            if mistake[0] == "企业名称":
                row[header.index("统一社会信用代码")] = ""
        writer.writerow(row)
    return out.getvalue()


def import_supplement(out_dir: Path, echo: Callable[[str], object] | None = None) -> ImportBatch | None:
    """Write the supplement beside the agency files and import it; None where the world has no such file."""
    source = out_dir / SOURCE
    if not source.exists():
        return None
    path = out_dir / "late" / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(supplement_rows(source), encoding="utf-8-sig")
    batch = ingest_file(path, AGENCY, IngestOptions(kind="samr_inspections", notify=False))
    if echo:
        echo(f"  {path.relative_to(out_dir)} (typed in by hand): {batch.rows_accepted}/{batch.rows_read} "
             f"accepted, {batch.rows_rejected} quarantined for a coordinator to correct")
    return batch
