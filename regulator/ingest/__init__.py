"""Ingestion: agency files and pushes mapped declaratively into facts with lineage, linked to entities.

>>> batch = ingest_file("MEE/mee_inspections.csv", "MEE")   # commits per chunk; resumable
"""

from .errors import FileError, IngestError, MappingError, RowError
from .mapping import AgencyMapping, FileMapping, available_mappings, load_mapping
from .pipeline import IngestOptions, ingest_file, ingest_rows, open_import
from .prepare import content_hash
from .readers import detect_encoding, read_file

__all__ = [
    "AgencyMapping", "FileError", "FileMapping", "IngestError", "IngestOptions", "MappingError", "RowError",
    "available_mappings", "content_hash", "detect_encoding", "ingest_file", "ingest_rows", "load_mapping",
    "open_import", "read_file",
]
