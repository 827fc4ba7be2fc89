"""Write every agency's files in its own format, the hidden truth beside them, a manifest and a README."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .context import Context
from .formats import DATE_STYLES, XLSX_MAX_ROWS, write_csv, write_jsonl, write_table_csv, write_xlsx
from .layout import FileSpec, render
from .layouts_safety import FIRE_FILES, MEE_FILES, MEM_FILES
from .layouts_samr import SAMR_FILES
from .layouts_social import HRSS_FILES, NHC_FILES, TAX_FILES
from .noise import NoiseConfig
from .readme import readme_text
from .views import VIEWS
from .world import World

log = logging.getLogger(__name__)
FILE_SPECS: list[FileSpec] = [*SAMR_FILES, *MEE_FILES, *MEM_FILES, *FIRE_FILES, *NHC_FILES, *TAX_FILES,
                              *HRSS_FILES]
FORMATS = ("native", "csv", "tsv", "jsonl", "xlsx")
TRUTH_COLUMNS = ["agency", "file", "row_number", "source_key", "record_type", "record_key", "entity_key",
                 "true_entity_key", "person_key", "other_entity_key", "uscc_noise", "name_noise",
                 "address_noise"]


def _resolve(spec: FileSpec, formats: str | Mapping[str, str] | None, rows: int) -> tuple[str, str]:
    """(format, encoding) after the caller's override and the worksheet row limit."""
    wanted = formats.get(spec.agency, "native") if isinstance(formats, Mapping) else (formats or "native")
    if wanted not in FORMATS:
        raise ValueError(f"unknown format {wanted!r}; use one of {FORMATS}")
    fmt = spec.fmt if wanted == "native" else wanted
    if fmt == "xlsx" and rows > XLSX_MAX_ROWS:
        log.warning("%s: %d rows exceed one worksheet; writing CSV instead", spec.name, rows)
        fmt = "csv"
    keeps_encoding = fmt in ("csv", "tsv") and spec.fmt in ("csv", "tsv")
    encoding = spec.encoding if keeps_encoding or fmt == spec.fmt else "utf-8"
    return fmt, encoding


def _write(table: pd.DataFrame, path: Path, fmt: str, encoding: str, spec: FileSpec) -> None:
    if fmt == "jsonl":
        write_jsonl(table, path)
    elif fmt == "xlsx":
        write_xlsx(table, path, sheet=spec.name)
    else:
        write_csv(table, path, encoding, sep="\t" if fmt == "tsv" else ",")


def write_agency_files(world: World, out_dir: str | Path, formats: str | Mapping[str, str] | None = None,
                       noise: NoiseConfig | None = None) -> list[dict]:
    """Write all agency files, ``truth/``, ``manifest.json`` and ``README.md``; return the file entries.

    ``formats``: None (each agency's own), one of FORMATS for every agency, or {agency: format}. The entries
    returned carry ``path`` as a full path; manifest.json holds the same entries with paths relative to
    out_dir.
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    ctx = Context(world, noise or NoiseConfig())
    entries, truths = [], []
    for spec in FILE_SPECS:
        data, truth = VIEWS[spec.view](ctx, spec.agency, spec.key)
        fmt, encoding = _resolve(spec, formats, len(data))
        rel = f"{spec.agency}/{spec.name}.{fmt}"
        (out / spec.agency).mkdir(parents=True, exist_ok=True)
        _write(render(spec, data, keep_lists=fmt == "jsonl"), out / rel, fmt, encoding, spec)
        truth.insert(0, "row_number", range(1, len(truth) + 1))
        truth.insert(0, "file", rel)
        truth.insert(0, "agency", spec.agency)
        truths.append(truth[TRUTH_COLUMNS])
        entry = {"agency": spec.agency, "path": rel, "format": fmt, "encoding": encoding,
                 "record_types": list(spec.yields), "rows": len(data),
                 "source_key_column": spec.columns[0].header, "date_format": DATE_STYLES[spec.date_style],
                 "columns": [c.header for c in spec.columns]}
        if fmt in ("csv", "tsv"):
            entry["delimiter"] = "\t" if fmt == "tsv" else ","
        if fmt == "xlsx":
            entry["sheet"] = spec.name
        entries.append(entry)
        log.debug("%s: %d rows", rel, len(data))
    truth_files = _write_truth(world, out, pd.concat(truths, ignore_index=True))
    manifest = {"seed": world.seed, "n_entities": len(world.entities), "start": world.start.isoformat(),
                "end": world.end.isoformat(), "files": entries, "truth": truth_files}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    (out / "README.md").write_text(readme_text(FILE_SPECS, entries, world), encoding="utf-8")
    log.info("wrote %d agency files (%d rows) to %s in %.1f s", len(entries), sum(e["rows"] for e in entries),
             out, time.perf_counter() - t0)
    return [{**e, "path": str(out / e["path"])} for e in entries]


def _write_truth(world: World, out: Path, records: pd.DataFrame) -> list[dict]:
    """The world's tables and the row-to-record map, as UTF-8 CSV under truth/."""
    (out / "truth").mkdir(parents=True, exist_ok=True)
    tables = {"records": records, **world.tables()}
    files = []
    for name, df in tables.items():
        rel = f"truth/{name}.csv"
        write_table_csv(df, out / rel)
        files.append({"table": name, "path": rel, "rows": len(df)})
    return files
