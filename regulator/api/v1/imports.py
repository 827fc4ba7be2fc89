"""Agency systems push rows as JSON (per-agency API tokens): one push is one import batch."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from models import Agency, ImportBatch, Role, SourceRecord, SourceStatus

from ...access import role_required, same_agency_or_admin
from ...extensions import db
from ...ingest import IngestError, IngestOptions, formats, ingest_rows, load_mapping
from ..blueprint import Blueprint
from ..pagination import PageArgs, envelope, page_schema, paginate

bp = Blueprint("api_imports", __name__, description="Pushing agency records (rows mapped like a file)")
MAX_ROWS = 50_000


class PushSchema(Schema):
    """A push: the file kind of the agency's mapping and the rows, as the agency's own column names."""

    kind = fields.String(required=True, metadata={"description": "file kind, e.g. mee_inspections"})
    rows = fields.List(fields.Dict(), required=True)
    agency = fields.String(load_default=None, metadata={
        "description": "agency code: administrators name the agency; others may name only their own"})
    reference = fields.String(load_default=None, metadata={"description": "the sender's name for this push"})


class BatchSchema(Schema):
    """An import batch's end report."""

    id = fields.Integer(required=True)
    agency_id = fields.Integer(required=True)
    filename = fields.String(required=True)
    mapping = fields.String(allow_none=True)
    status = fields.String(required=True)
    rows_read = fields.Integer(required=True)
    rows_accepted = fields.Integer(required=True)
    rows_rejected = fields.Integer(required=True)
    rows_duplicate = fields.Integer(required=True)
    entities_new = fields.Integer(required=True)
    entities_updated = fields.Integer(required=True)
    rejected_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())
    findings = fields.Dict(keys=fields.String(), values=fields.Integer())
    reviews = fields.Integer()


def batch_payload(batch: ImportBatch) -> dict[str, Any]:
    """The end report of a batch."""
    return {"id": batch.id, "agency_id": batch.agency_id, "filename": batch.filename, "mapping": batch.mapping,
            "status": str(batch.status), "rows_read": batch.rows_read, "rows_accepted": batch.rows_accepted,
            "rows_rejected": batch.rows_rejected, "rows_duplicate": batch.rows_duplicate,
            "entities_new": batch.entities_new, "entities_updated": batch.entities_updated,
            "rejected_by_reason": batch.report.get("rejected_by_reason", {}),
            "findings": batch.report.get("findings", {}), "reviews": batch.report.get("reviews", 0)}


@bp.route("/imports", methods=["POST"])
@role_required(Role.COORDINATOR, Role.ADMIN)
@bp.arguments(PushSchema)
@bp.response(201, BatchSchema, headers={"Location": {"description": "the batch's report, GET /api/v1/imports/{id}",
                                                    "schema": {"type": "string"}}})
@bp.alt_response(400, description="no agency, or no such file kind in the agency's mapping")
@bp.alt_response(409, description="the agency is deactivated")
@bp.alt_response(413, description="too many rows in one push")
def push(data: dict[str, Any]):
    """Import pushed rows for the token's agency; rejected rows are quarantined, repeats are ignored."""
    if current_user.role == Role.ADMIN and data.get("agency"):
        agency = db.session.scalar(select(Agency).where(func.upper(Agency.code) == data["agency"].upper()))
    else:
        agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
        if agency is not None and data.get("agency") and data["agency"].upper() != agency.code.upper():
            # rows meant for another agency must not land in the caller's own under a kind both happen to have
            abort(422, message=f"this token pushes for {agency.code} only",
                  errors={"agency": [f"only administrators name another agency than {agency.code}"]})
    if agency is None:
        abort(400, message="no agency: push with an agency's token (administrators name one in 'agency')")
    if not agency.active:
        abort(409, message=f"the agency {agency.code} is deactivated: its rows are not imported")
    if len(data["rows"]) > MAX_ROWS:
        abort(413, message=f"at most {MAX_ROWS} rows per push")
    try:
        fmap = load_mapping(agency.mapping or agency.code).for_file("", None, data["kind"])
    except IngestError as exc:
        abort(400, message=str(exc))
    # keys beginning "__" are the importer's own (row number, width, a reader's verdict): a sender cannot set them
    rows = [{**{str(k): v for k, v in row.items() if not str(k).startswith("__")}, "__row": i}
            for i, row in enumerate(data["rows"], start=1)]
    batch = ingest_rows(agency, fmap, rows, IngestOptions(user_id=getattr(current_user, "id", None)),
                        filename=(data.get("reference") or f"api push ({data['kind']})")[:500], file_hash=None,
                        file_format="json")
    return batch_payload(batch), {"Location": url_for("api_imports.batch", batch_id=batch.id)}


@bp.route("/imports/<int:batch_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
@bp.response(200, BatchSchema)
@bp.alt_response(404, description="no such batch of the caller's agency")
def batch(batch_id: int):
    """The report of one import batch of the caller's agency."""
    found = db.session.get(ImportBatch, batch_id)
    if found is None or not same_agency_or_admin(found.agency_id):
        abort(404, message="no such import batch")
    return batch_payload(found)


class RowErrorSchema(Schema):
    """Why a row was rejected: the column (none: the whole row) and the message."""

    column = fields.String(allow_none=True)
    message = fields.String(required=True)


class RejectedRowSchema(Schema):
    """A row of the batch that was not accepted, by its place in the push or file and its own key (the values
    as sent are not repeated: the sender has them, and they may hold ID numbers)."""

    id = fields.Integer(required=True, metadata={"description": "source record id"})
    row_number = fields.Integer(allow_none=True, metadata={"description": "1-based row of the push or file"})
    source_key = fields.String(allow_none=True, metadata={"description": "the row's own key"})
    status = fields.String(required=True, metadata={
        "description": "rejected (in quarantine), resubmitted (corrected since) or dismissed"})
    resubmitted_as_id = fields.Integer(allow_none=True)
    dismissed_reason = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(RowErrorSchema), required=True)


class RejectedArgs(PageArgs):
    """Filter of a batch's rejected rows."""

    status = fields.String(load_default=None, validate=validate.OneOf(["rejected", "resubmitted", "dismissed"]),
                           metadata={"description": "only rows in this state (default: all not accepted)"})


@bp.route("/imports/<int:batch_id>/rejected")
@role_required(Role.COORDINATOR, Role.ADMIN)
@bp.arguments(RejectedArgs, location="query")
@bp.response(200, page_schema(RejectedRowSchema))
@bp.alt_response(404, description="no such batch of the caller's agency")
def rejected_rows(args: dict[str, Any], batch_id: int):
    """The batch's rows that were not accepted, in row order, each with its reasons: what a sending system
    needs to correct at the source and send again (a corrected row with the same key replaces its
    quarantined one)."""
    found = db.session.get(ImportBatch, batch_id)
    if found is None or not same_agency_or_admin(found.agency_id):
        abort(404, message="no such import batch")
    stmt = select(SourceRecord).where(SourceRecord.batch_id == found.id)
    stmt = stmt.where(SourceRecord.status == SourceStatus(args["status"]) if args.get("status")
                      else SourceRecord.status != SourceStatus.ACCEPTED)
    page = paginate(stmt.order_by(SourceRecord.row_number, SourceRecord.id), args)
    return envelope(page, [{
        "id": r.id, "row_number": r.row_number, "source_key": r.source_key, "status": r.status.value,
        "resubmitted_as_id": r.resubmitted_as_id, "dismissed_reason": r.dismissed_reason,
        "errors": [{"column": e.get("column"), "message": e.get("message", "")} for e in r.errors or []],
    } for r in page.items])


class ColumnSchema(Schema):
    """A column of a file kind (a pushed row's key) and what the import reads from it."""

    name = fields.String(required=True)
    fields_ = fields.List(fields.String(), data_key="fields", required=True,
                          metadata={"description": "canonical fields read from it"})
    type = fields.String(required=True, metadata={"description": "text, date, int, float, decimal, bool or list"})
    required = fields.Boolean(required=True)
    key = fields.Boolean(required=True, metadata={"description": "the row's own key"})
    values = fields.List(fields.String(), required=True, metadata={"description": "accepted values, if limited"})
    split = fields.String(allow_none=True, metadata={"description": "separator of a list's values"})


class FileKindSchema(Schema):
    """A kind of file (or push) of the agency's import mapping."""

    kind = fields.String(required=True)
    record_type = fields.String(required=True)
    file_names = fields.List(fields.String(), required=True)
    date_formats = fields.List(fields.String(), required=True, metadata={"description": "strftime patterns"})
    columns = fields.List(fields.Nested(ColumnSchema), required=True)


class FormatsSchema(Schema):
    """The file kinds an agency sends."""

    agency = fields.String(required=True)
    kinds = fields.List(fields.Nested(FileKindSchema), required=True)


class FormatsArgs(Schema):
    """Which agency (administrators only; others get their own)."""

    agency = fields.String(load_default=None)


@bp.route("/imports/formats")
@role_required(Role.COORDINATOR, Role.ADMIN)
@bp.arguments(FormatsArgs, location="query")
@bp.response(200, FormatsSchema)
@bp.alt_response(404, description="no such agency, or no import mapping for it")
@bp.alt_response(422, description="an administrator did not name the agency")
def file_formats(args: dict[str, Any]):
    """What each kind of row the agency pushes (or file it uploads) must hold, read from its import mapping."""
    code = args.get("agency") if current_user.role == Role.ADMIN else None
    if current_user.role == Role.ADMIN and not code:
        abort(422, message="administrators name the agency", errors={"agency": ["required for administrators"]})
    agency = (db.session.scalar(select(Agency).where(func.upper(Agency.code) == code.upper())) if code
              else db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None)
    if agency is None:
        abort(404, message="no such agency")
    try:
        mapping = load_mapping(agency.mapping or agency.code)
    except IngestError:
        abort(404, message="no import mapping for this agency")
    kinds = []
    for fmap in mapping.files:
        described = formats.describe(fmap)
        kinds.append({"kind": fmap.name, "record_type": str(fmap.record_type), "file_names": list(fmap.match),
                      "date_formats": list(fmap.date_formats or ("%Y-%m-%d",)),
                      "columns": [{"name": c.name, "fields_": [f.name for f in c.fields],
                                   "type": c.fields[0].type if c.fields else "text", "required": c.required,
                                   "key": c.key, "values": c.values,
                                   "split": c.fields[0].split if c.fields else None} for c in described.columns]})
    return {"agency": agency.code, "kinds": kinds}
