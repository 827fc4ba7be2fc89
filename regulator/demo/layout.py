"""How an agency file is laid out: columns, vocabularies, date style, format; and rendering a view into it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .formats import format_dates


@dataclass(frozen=True)
class Col:
    """One column: its header, the canonical field it shows, what it means, and how values are written."""

    header: str
    field: str
    doc: str
    vocab: dict[str, str] | None = None  # canonical value -> the agency's word
    kind: str = "text"  # text | date | number | list (joined with ``sep``; kept as a list in JSON) | key
    sep: str = ";"


@dataclass(frozen=True)
class FileSpec:
    """One agency file: where it goes, its format, encoding and columns (the first is the source key)."""

    agency: str
    name: str
    view: str
    fmt: str  # csv | tsv | jsonl | xlsx
    encoding: str
    date_style: str
    key: str  # source-key pattern ('SJ{year}{seq:06d}'), or '@field' to reuse a field (a decision number)
    columns: tuple[Col, ...]
    yields: tuple[str, ...]
    about: str


# agency words shared by several layouts
PENALTY_CN = {"warning": "警告", "fine": "罚款", "confiscation": "没收违法所得", "suspension": "责令停产停业",
              "licence_revocation": "吊销许可证件"}
LICENCE_STATUS_CN = {"valid": "有效", "expired": "已过期", "cancelled": "已注销", "revoked": "已吊销"}
LIST_CN = {"abnormal_operations": "经营异常名录", "serious_illegal": "严重违法失信名单"}
SEVERITY_CN = {"minor": "一般", "serious": "较重", "critical": "严重"}


def _text(values: pd.Series, vocab: dict[str, str] | None) -> np.ndarray:
    if vocab is not None:
        values = values.astype(str).map(vocab)
    return values.astype(object).where(values.notna(), "").to_numpy()


def render(spec: FileSpec, data: pd.DataFrame, keep_lists: bool) -> pd.DataFrame:
    """The file's table: headers in order, values in the agency's vocabulary and date style."""
    out = {}
    for col in spec.columns:
        values = data[col.field]
        if col.kind == "date":
            timed = spec.date_style == "isotime" and "minutes" in data
            minutes = data["minutes"].to_numpy() if timed else None
            out[col.header] = format_dates(values, spec.date_style, minutes)
        elif col.kind == "number":
            out[col.header] = values.array
        elif col.kind == "list":
            vocab = col.vocab or {}
            items = [[vocab.get(x, x) for x in lst] for lst in values]
            out[col.header] = items if keep_lists else [col.sep.join(x) for x in items]
        else:
            out[col.header] = _text(values, col.vocab)
    return pd.DataFrame(out)


def describe_vocab(col: Col) -> str:
    """'canonical → written' pairs of a column's vocabulary, for the README."""
    if not col.vocab:
        return ""
    pairs = [f"{v} = {k}" for k, v in col.vocab.items() if v]
    if len(pairs) < len(col.vocab):
        pairs.append("empty = " + ", ".join(k for k, v in col.vocab.items() if not v))
    return "; ".join(pairs)
