"""Errors of ingestion: a whole file refused (nothing changes) or one row rejected (it goes to quarantine)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class IngestError(Exception):
    """An import that cannot start or must stop as a whole; nothing was written."""


class FileError(IngestError):
    """The file itself is unusable: missing, unreadable, wrong encoding, wrong columns for its mapping.

    The message is for the person who imports the file (translated, naming the file).
    """

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message)
        self.filename = filename

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return FileError, (self.filename, str(self))  # pickled by a worker (premap)


class MappingError(IngestError):
    """A mapping file that is malformed or does not fit the file it is applied to."""


@dataclass
class RowError(Exception):
    """Why one row was rejected: the column (or None for the row as a whole), the message and the value."""

    column: str | None
    message: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form kept on the SourceRecord."""
        return {"column": self.column, "message": self.message,
                "value": None if self.value is None else str(self.value)[:200]}
