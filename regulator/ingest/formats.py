"""What an agency's files must look like, read from its import mapping: for the page that tells a coordinator
which columns each kind of file needs, and for the blank template of each kind.

The mapping is the only source: a column added to the mapping file appears here and in the template without
further work.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .mapping import FieldMap, FileMapping

#: a day that shows every part of a date format (month and day above 12 and different)
EXAMPLE_DAY = date(2025, 3, 28)
CHINESE_DAY = "2025年3月28日"


@dataclass
class Column:
    """One column of a file kind and what it gives."""

    name: str
    #: canonical fields read from it (a column may feed several: the inspection type and why it was chosen)
    fields: list[FieldMap] = field(default_factory=list)
    required: bool = False
    #: the rows' own key (re-sent rows are recognised by it and by their content)
    key: bool = False

    @property
    def values(self) -> list[str]:
        """Accepted values when a field maps them (the first field's list; others read the same column)."""
        for spec in self.fields:
            if spec.map:
                return [str(v) for v in spec.map]
        return []


@dataclass
class FileFormat:
    """One kind of file: its name patterns, record type, date formats and columns in mapping order."""

    kind: str
    record_type: Any
    patterns: tuple[str, ...]
    date_examples: list[str]
    columns: list[Column]
    #: fields the mapping sets to a constant for every row of this kind
    constants: list[FieldMap]

    @property
    def has_dates(self) -> bool:
        """Whether a column is read as a date (the date formats matter only then)."""
        return any(spec.type == "date" for column in self.columns for spec in column.fields)


def describe(fmap: FileMapping) -> FileFormat:
    """The format of a file kind, read from its mapping."""
    columns: dict[str, Column] = {}
    if fmap.source_key:
        columns[fmap.source_key] = Column(fmap.source_key, required=True, key=True)
    constants = []
    for spec in fmap.fields:
        names = (spec.column,) if isinstance(spec.column, str) else tuple(spec.column or ())
        if not names:
            constants.append(spec)
        for position, name in enumerate(names):
            column = columns.setdefault(name, Column(name))
            column.fields.append(spec)
            # of alternatives, the first is the one a file must have (``FileMapping.required_columns``)
            column.required = column.required or (spec.required and position == 0)
    # the mapping's own formats first; ISO dates and 2025年3月28日 are read whatever it says (``parse_date``)
    examples = [EXAMPLE_DAY.strftime(f) for f in fmap.date_formats] + [EXAMPLE_DAY.isoformat(), CHINESE_DAY]
    return FileFormat(fmap.name, fmap.record_type, fmap.match, list(dict.fromkeys(examples)),
                      list(columns.values()), constants)


def template_csv(fmap: FileMapping) -> bytes:
    """A blank file of the kind: its header row, UTF-8 with a BOM (spreadsheet programs then read Chinese)."""
    out = io.StringIO()
    csv.writer(out).writerow([c.name for c in describe(fmap).columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_name(fmap: FileMapping) -> str:
    """The template's file name: one the kind's own patterns match, so that a filled-in template is recognised
    when it is uploaded without choosing its kind."""
    for pattern in fmap.match:
        name = pattern.replace("*", "").replace("?", "").rsplit(".", 1)[0] + "_template.csv"
        if fmap.applies_to(name):
            return name
    return f"{fmap.name}.csv"
