"""Agency systems push rows as JSON (per-agency API tokens): one push is one import batch."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields
from sqlalchemy import func, select

from models import Agency, ImportBatch, Role

from ...access import role_required, same_agency_or_admin
from ...extensions import db
from ...ingest import IngestError, IngestOptions, ingest_rows, load_mapping

bp = Blueprint("api_imports", __name__, description="Pushing agency records (rows mapped like a file)")
MAX_ROWS = 50_000


class PushSchema(Schema):
    """A push: the file kind of the agency's mapping and the rows, as the agency's own column names."""

    kind = fields.String(required=True, metadata={"description": "file kind, e.g. mee_inspections"})
    rows = fields.List(fields.Dict(), required=True)
    agency = fields.String(load_default=None, metadata={"description": "agency code (administrators only)"})
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
@bp.response(201, BatchSchema)
@bp.alt_response(400, description="no agency, or no such file kind in the agency's mapping")
@bp.alt_response(413, description="too many rows in one push")
def push(data: dict[str, Any]):
    """Import pushed rows for the token's agency; rejected rows are quarantined, repeats are ignored."""
    if current_user.role == Role.ADMIN and data.get("agency"):
        agency = db.session.scalar(select(Agency).where(func.upper(Agency.code) == data["agency"].upper()))
    else:
        agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
    if agency is None:
        abort(400, message="no agency: push with an agency's token (administrators name one in 'agency')")
    if len(data["rows"]) > MAX_ROWS:
        abort(413, message=f"at most {MAX_ROWS} rows per push")
    try:
        fmap = load_mapping(agency.mapping or agency.code).for_file("", None, data["kind"])
    except IngestError as exc:
        abort(400, message=str(exc))
    rows = [{"__row": i, **{str(k): v for k, v in row.items()}} for i, row in enumerate(data["rows"], start=1)]
    batch = ingest_rows(agency, fmap, rows, IngestOptions(user_id=getattr(current_user, "id", None)),
                        filename=(data.get("reference") or f"api push ({data['kind']})")[:500], file_hash=None,
                        file_format="json")
    return batch_payload(batch)


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
