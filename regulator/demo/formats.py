"""Writing agency files: date styles, CSV/TSV in several encodings, JSON lines, and a minimal XLSX writer."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DATE_STYLES = {
    "iso": "2023-05-01",
    "slash": "2023/5/1",
    "slash0": "2023/05/01",
    "compact": "20230501",
    "cn": "2023年5月1日",
    "dot": "2023.05.01",
    "isotime": "2023-05-01T09:30:00",
}
XLSX_MAX_ROWS = 1_048_575


def format_dates(values: pd.Series | np.ndarray, style: str, minutes: np.ndarray | None = None) -> np.ndarray:
    """Dates as strings in one of DATE_STYLES ('' for missing); ``minutes`` adds the time for 'isotime'."""
    d = pd.Series(values).to_numpy().astype("datetime64[D]")
    missing = np.isnat(d)
    days = np.where(missing, 0, d.astype(np.int64))
    if len(days) == 0:
        return np.array([], dtype=object)
    lo, hi = int(days.min()), int(days.max())
    table = pd.date_range(np.datetime64(lo, "D"), np.datetime64(hi, "D"), freq="D")
    y, m, dd = table.year.astype(str), table.month.astype(str), table.day.astype(str)
    m0, d0 = table.strftime("%m"), table.strftime("%d")
    lookup = {
        "iso": y + "-" + m0 + "-" + d0, "slash": y + "/" + m + "/" + dd, "slash0": y + "/" + m0 + "/" + d0,
        "compact": y + m0 + d0, "cn": y + "年" + m + "月" + dd + "日", "dot": y + "." + m0 + "." + d0,
        "isotime": y + "-" + m0 + "-" + d0,
    }[style]
    out = np.asarray(lookup, dtype=object)[days - lo]
    if style == "isotime":
        mins = np.zeros(len(days), dtype=np.int64) if minutes is None else minutes
        hours, mins = pd.Series(mins // 60).astype(str), pd.Series(mins % 60).astype(str)
        hhmm = hours.str.zfill(2) + ":" + mins.str.zfill(2)
        out = out + "T" + hhmm.to_numpy().astype(object) + ":00"
    out[missing] = ""
    return out


def write_csv(df: pd.DataFrame, path: Path, encoding: str, sep: str = ",") -> None:
    """CSV (or TSV) with minimal quoting and Unix line ends; ``utf-8-sig`` writes the byte-order mark."""
    df.to_csv(path, index=False, encoding=encoding, sep=sep, lineterminator="\n")


def write_table_csv(df: pd.DataFrame, path: Path) -> None:
    """Large UTF-8 CSV written fast through Arrow (strings quoted), pandas when Arrow is missing."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:  # pragma: no cover - pandas 3 normally brings Arrow along
        write_csv(df, path, "utf-8")
        return
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, f in enumerate(table.schema):
        if pa.types.is_timestamp(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(pa.date32()))
    pa_csv.write_csv(table, str(path), pa_csv.WriteOptions(quoting_style="needed"))


def write_jsonl(df: pd.DataFrame, path: Path) -> None:
    """One JSON object per line, UTF-8, keys in column order, nulls for missing values."""
    text = df.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text if text.endswith("\n") or not text else text + "\n")


_FIXED_TIME = (2020, 1, 1, 0, 0, 0)
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape(text: str) -> str:
    """Text made safe for an XML element or attribute."""
    return text.translate(_XML_ESCAPES)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _col_letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _cells(values: pd.Series, letter: str, rows: np.ndarray) -> np.ndarray:
    """XML of one column's cells: numbers as numbers, everything else as inline strings."""
    ref = letter + rows.astype(str).astype(object)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        num = values.to_numpy(dtype=float, na_value=np.nan)
        integral = pd.api.types.is_integer_dtype(values)
        text = pd.Series(num).map(lambda x: str(int(x)) if integral and x == x else repr(x))
        cell = '<c r="' + ref + '"><v>' + text.to_numpy().astype(object) + "</v></c>"
        return np.where(np.isnan(num), "", cell)
    text = values.astype(object).where(values.notna(), "").astype(str)
    esc = text.str.translate(_XML_ESCAPES).to_numpy().astype(object)
    cell = '<c r="' + ref + '" t="inlineStr"><is><t xml:space="preserve">' + esc + "</t></is></c>"
    return np.where(text.to_numpy() == "", "", cell)


def write_xlsx(df: pd.DataFrame, path: Path, sheet: str) -> None:
    """A one-sheet workbook of inline strings: fast, reproducible byte for byte, read by Excel, openpyxl."""
    if len(df) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(df)} rows do not fit one worksheet")
    rows = np.arange(2, len(df) + 2)
    header = "".join(
        f'<c r="{_col_letters(i)}1" t="inlineStr"><is><t>{escape(str(c))}</t></is></c>'
        for i, c in enumerate(df.columns)
    )
    body = np.full(len(df), "", dtype=object)
    for i, col in enumerate(df.columns):
        body = body + _cells(df[col], _col_letters(i), rows)
    lines = '<row r="' + rows.astype(str).astype(object) + '">' + body + "</row>"
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{_col_letters(max(len(df.columns), 1) - 1)}{len(df) + 1}"/><sheetData>'
        f'<row r="1">{header}</row>' + "".join(lines) + "</sheetData></worksheet>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    parts = [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS),
             ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", _WB_RELS),
             ("xl/worksheets/sheet1.xml", sheet_xml)]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
