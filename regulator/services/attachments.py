"""Documents an enterprise sends with an objection or a credit repair application, and who may read them.

A document is accepted only as what its first bytes say it is (PDF, JPEG or PNG, whatever its name or the
browser claims), within a size and a count, and is stored in the same transaction as its request.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from flask import Response, send_file
from flask_babel import gettext as _
from sqlalchemy import select

from models import Attachment, CreditRepair, Objection, Role, User

from ..extensions import db
from . import audit

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
#: leading bytes -> (content type, extension)
SIGNATURES = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
              (b"\x89PNG\r\n\x1a\n", "image/png", "png"))
SUBJECTS: dict[str, Any] = {"objection": Objection, "credit_repair": CreditRepair}


class AttachmentError(ValueError):
    """A document refused; the message names the file."""


@dataclass(frozen=True)
class Upload:
    """One file as received: its name and its bytes."""

    filename: str
    data: bytes


def _kind(data: bytes) -> tuple[str, str] | None:
    return next(((ctype, ext) for magic, ctype, ext in SIGNATURES if data.startswith(magic)), None)


def safe_name(filename: str, extension: str) -> str:
    """The file's own name without any directory, control characters or a misleading extension."""
    name = unicodedata.normalize("NFC", PurePath(filename.replace("\\", "/")).name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .") or "document"
    stem = PurePath(name).stem if PurePath(name).suffix else name
    return f"{stem[:200]}.{extension}"


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def check(uploads: Iterable[Upload]) -> list[tuple[Upload, str, str]]:
    """Every upload with its content type and stored name, or AttachmentError for the first one refused."""
    files = [u for u in uploads if u.filename or u.data]
    if len(files) > MAX_FILES:
        raise AttachmentError(_("At most %(n)s documents can be sent at once.", n=MAX_FILES))
    out = []
    for upload in files:
        if not upload.data:
            raise AttachmentError(_("%(file)s is empty.", file=upload.filename))
        if len(upload.data) > MAX_BYTES:
            raise AttachmentError(_("%(file)s is larger than %(size)s.", file=upload.filename, size=_size(MAX_BYTES)))
        kind = _kind(upload.data)
        if kind is None:
            raise AttachmentError(_("%(file)s is not a PDF, JPEG or PNG file.", file=upload.filename))
        out.append((upload, kind[0], safe_name(upload.filename, kind[1])))
    return out


def attach(subject_type: str, subject_id: int, uploads: Iterable[Upload], user: User) -> list[Attachment]:
    """Store the uploads with their request (checked first: one refused file stores none). Never commits."""
    added = []
    for upload, content_type, name in check(uploads):
        attachment = Attachment(subject_type=subject_type, subject_id=subject_id, filename=name,
                                content_type=content_type, size=len(upload.data),
                                sha256=hashlib.sha256(upload.data).hexdigest(), data=upload.data,
                                uploaded_by_id=user.id)
        db.session.add(attachment)
        added.append(attachment)
    db.session.flush()
    return added


def of(subject_type: str, subject_id: int) -> list[Attachment]:
    """A request's documents, in the order they were sent (their bytes are read only on download)."""
    return list(db.session.scalars(select(Attachment).where(
        Attachment.subject_type == subject_type, Attachment.subject_id == subject_id).order_by(Attachment.id)))


def may_read(user: User, attachment: Attachment) -> bool:
    """The enterprise whose request it is, a coordinator of the agency deciding it, an administrator."""
    model = SUBJECTS.get(attachment.subject_type)
    subject = db.session.get(model, attachment.subject_id) if model else None
    if subject is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.ENTERPRISE:
        return user.entity_id is not None and subject.entity_id == user.entity_id
    return user.role == Role.COORDINATOR and user.agency_id is not None and subject.agency_id == user.agency_id


def download(document: Attachment) -> Response:
    """The document as a download, audited; never cached (it may hold personal data)."""
    audit.record("attachment.download", object_type="attachment", object_id=document.id)
    db.session.commit()
    response = send_file(io.BytesIO(document.data), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
