"""Imports for coordinators and administrators: upload a file, read batch reports, fix quarantined rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from models import Agency, ImportBatch, Role, SourceRecord, SourceStatus, User

from ..access import same_agency_or_admin
from ..exports import attachment, download
from ..extensions import db
from ..i18n import agency_name, label
from ..ingest import IngestError, IngestOptions, field_words, formats, ingest_file, row_messages
from ..ingest.errors import FileError, MappingError
from ..ingest.mapping import available_mappings, load_mapping
from ..ingest.quarantine import DISMISS_LIMIT, count_query, dismiss, quarantine_query, restore, resubmit
from ..nav import nav_item
from ..paging import page_of
from ..request_guards import MAX_ID
from ..services import audit
from . import bp
from .forms import DismissForm, RestoreForm, ResubmitForm, UploadForm

nav_item("coordinator.imports", _l("Imports"), "coordinator", "admin", order=32, menu=_l("Data"))


def _own_agency_filter(stmt, model):  # noqa: ANN001, ANN202
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(model.agency_id == current_user.agency_id)
    return stmt


def _upload_name(filename: str | None) -> str:
    """The uploaded file's own name, Chinese included: its last path part without control characters or leading
    dots, at most 200 bytes (its extension kept). ``secure_filename`` keeps ASCII only: 市场主体登记.xlsx became
    'xlsx', a file of no type, refused; 许可证导出_2026年11月.csv became '202611.csv', named by no kind."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot and stem else (name, "")
    while stem and len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return (stem + suffix) if stem else "upload.csv"


def _save_upload(storage) -> Path:  # noqa: ANN001 - a werkzeug FileStorage
    """Keep the uploaded bytes under the instance folder, named by content (a re-upload resumes its batch)."""
    data = storage.read()
    name = _upload_name(storage.filename)
    folder = Path(current_app.instance_path) / "uploads" / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _kind_choices(agencies: list[Agency]) -> list[tuple[str, str]]:
    """The file kinds of the agencies' import mappings (an agency without a mapping offers none), after the
    default: the kind told from the file's name and headers."""
    choices = [("", _("Tell from the file name and its columns"))]
    for agency in agencies:
        try:
            mapping = load_mapping(agency.mapping or agency.code)
        except MappingError:
            continue
        prefix = f"{agency.code} · " if len(agencies) > 1 else ""
        choices += [(fm.name, f"{prefix}{fm.name} · {label(fm.record_type)}") for fm in mapping.files]
    return choices


@bp.route("/imports", methods=["GET", "POST"])
def imports():
    """Upload an agency file and see the agency's import batches, newest first."""
    form = UploadForm()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)).all()
    form.agency.choices = [(a.code, f"{a.code} · {agency_name(a)}") for a in agencies]
    form.kind.choices = _kind_choices(agencies if current_user.role == Role.ADMIN
                                      else [a for a in agencies if a.id == current_user.agency_id])
    if form.validate_on_submit():
        if current_user.role == Role.ADMIN:
            code = form.agency.data
        else:
            own = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
            code = own.code if own else None
        if not code:
            abort(403)
        path = _save_upload(form.file.data)
        try:
            batch = ingest_file(path, code, IngestOptions(kind=form.kind.data or None, user_id=current_user.id))
        except IngestError as exc:
            db.session.rollback()
            flash(_("The file was not imported: %(error)s", error=str(exc)), "danger")
            if isinstance(exc, FileError | MappingError):  # the wrong columns, or no kind fits the file
                # the catalogue's text is ours; the one value is escaped by Markup's % operator
                words = Markup(_('What each kind of file must look like: <a href="%(url)s">file formats and '  # noqa: S704
                                 'templates</a>.'))
                flash(words % {"url": url_for("coordinator.file_formats", agency=code)}, "info")
        else:
            # a count each, so each language makes its own plurals
            flash(_("Imported: %(accepted)s, %(rejected)s, %(duplicate)s.",
                    accepted=ngettext("%(num)d row accepted", "%(num)d rows accepted", batch.rows_accepted),
                    rejected=ngettext("%(num)d quarantined", "%(num)d quarantined", batch.rows_rejected),
                    duplicate=ngettext("%(num)d already there", "%(num)d already there", batch.rows_duplicate)),
                  "success")
            return redirect(url_for("coordinator.import_batch", batch_id=batch.id))
    batches, page, pages, total = page_of(_own_agency_filter(select(ImportBatch), ImportBatch)
                                        .order_by(ImportBatch.id.desc()))
    return render_template("coordinator/imports.html", form=form, batches=batches, page=page, pages=pages,
                           total=total, is_admin=current_user.role == Role.ADMIN)


def agency_batch_or_404(batch_id: int) -> ImportBatch:
    """A batch of the coordinator's agency (any, for administrators)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not same_agency_or_admin(batch.agency_id):
        abort(404)
    return batch


@bp.route("/imports/<int:batch_id>")
def import_batch(batch_id: int):
    """A batch's end report and its quarantined rows."""
    batch = agency_batch_or_404(batch_id)
    stmt = select(SourceRecord).where(SourceRecord.batch_id == batch.id,
                                      SourceRecord.status != SourceStatus.ACCEPTED).order_by(SourceRecord.row_number)
    rejected, page, pages, total = page_of(stmt)
    return render_template("coordinator/import_batch.html", batch=batch, rejected=rejected, page=page, pages=pages,
                           total=total)


@bp.route("/quarantine")
def quarantine():
    """Rejected rows of the agency waiting for a fix (``?show=dismissed``: those dismissed, with why), of one
    import (``?batch=``) or whose key holds some text (``?key=``)."""
    agency_id = None if current_user.role == Role.ADMIN else current_user.agency_id
    dismissed = request.args.get("show") == "dismissed"
    status = SourceStatus.DISMISSED if dismissed else SourceStatus.REJECTED
    batch_id = request.args.get("batch", type=int)
    batch_id = batch_id if batch_id and 0 < batch_id <= MAX_ID else None
    key = (request.args.get("key") or "").strip()[:200]
    stmt = quarantine_query(agency_id, status)
    if batch_id:
        stmt = stmt.where(SourceRecord.batch_id == batch_id)
    if key:
        stmt = stmt.where(SourceRecord.source_key.contains(key, autoescape=True))
    rows, page, pages, total = page_of(stmt)
    filtered = bool(batch_id or key)
    waiting = total if not (dismissed or filtered) else db.session.scalar(count_query(agency_id))
    batch_ids = {r.batch_id for r in rows if r.batch_id}
    found = db.session.execute(select(ImportBatch.id, ImportBatch.report, ImportBatch.filename)
                               .where(ImportBatch.id.in_(batch_ids))).all() if batch_ids else []
    reports = {i: report for i, report, _name in found}
    filenames = {i: name for i, _report, name in found}
    return render_template("coordinator/quarantine.html", rows=rows, page=page, pages=pages, total=total,
                           waiting=waiting, dismissed=dismissed, form=DismissForm(), users=_dismissers(rows),
                           reports=reports, filenames=filenames, batch_id=batch_id, key=key, filtered=filtered)


def _dismissers(rows: list[SourceRecord]) -> dict[int, User]:
    ids = {r.dismissed_by_id for r in rows if r.dismissed_by_id}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


@bp.route("/quarantine/dismiss", methods=["POST"])
def quarantine_dismiss():
    """Dismiss the rows chosen on the quarantine page, all for one reason. Rows of another agency are refused
    as a whole (nothing is dismissed)."""
    form = DismissForm()
    ids = sorted({int(i) for i in request.form.getlist("ids") if i.isdigit() and 0 < int(i) <= MAX_ID})
    ids = ids[:DISMISS_LIMIT + 1]
    if not form.validate_on_submit():
        flash(_("Say why the rows are dismissed: the reason stays with them."), "danger")
        return redirect(url_for("coordinator.quarantine"))
    records = [agency_source_or_404(i) for i in ids]
    _dismiss_and_say(records, form.reason.data)
    return redirect(url_for("coordinator.quarantine"))


def _dismiss_and_say(records: list[SourceRecord], reason: str) -> None:
    try:
        n = dismiss(records, reason, current_user)
    except IngestError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return
    db.session.commit()
    flash(ngettext("%(num)d row dismissed.", "%(num)d rows dismissed.", n), "success")


@bp.route("/quarantine/<int:source_id>/dismiss", methods=["POST"])
def quarantined_row_dismiss(source_id: int):
    """Dismiss one quarantined row, from its page."""
    record = agency_source_or_404(source_id)
    form = DismissForm()
    if not form.validate_on_submit():
        flash(_("Say why the rows are dismissed: the reason stays with them."), "danger")
    else:
        _dismiss_and_say([record], form.reason.data)
    return redirect(url_for("coordinator.quarantined_row", source_id=record.id))


@bp.route("/quarantine/<int:source_id>/restore", methods=["POST"])
def quarantined_row_restore(source_id: int):
    """Return a dismissed row to the quarantine, to be corrected after all."""
    record = agency_source_or_404(source_id)
    if RestoreForm().validate_on_submit():
        try:
            restore(record, current_user)
        except IngestError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("The row is back in the quarantine."), "success")
    return redirect(url_for("coordinator.quarantined_row", source_id=record.id))


def agency_source_or_404(source_id: int) -> SourceRecord:
    """A source row of the coordinator's agency (any, for administrators)."""
    record = db.session.get(SourceRecord, source_id)
    if record is None or not same_agency_or_admin(record.agency_id):
        abort(404)
    return record


@bp.route("/quarantine/<int:source_id>", methods=["GET", "POST"])
def quarantined_row(source_id: int):
    """One rejected row verbatim, its reasons, and a form to correct its cells and re-submit it."""
    record = agency_source_or_404(source_id)
    form = ResubmitForm()
    columns = list(record.raw)
    if form.validate_on_submit() and record.status == SourceStatus.REJECTED:
        fixed = {col: request.form.get(f"col-{i}", "") for i, col in enumerate(columns)}
        try:
            new = resubmit(record, fixed, current_user.id)
        except IngestError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            if new.status == SourceStatus.ACCEPTED:
                flash(_("The corrected row was accepted."), "success")
            else:
                flash(_("The corrected row was rejected again; see the new reasons."), "warning")
            return redirect(url_for("coordinator.quarantined_row", source_id=new.id))
    errors = {e.get("column"): e for e in record.errors or []}
    replaced_by = db.session.get(SourceRecord, record.resubmitted_as_id) if record.resubmitted_as_id else None
    dismissed_by = db.session.get(User, record.dismissed_by_id) if record.dismissed_by_id else None
    return render_template("coordinator/quarantined_row.html", record=record, form=form, columns=columns,
                           errors=errors, replaced_by=replaced_by, dismiss_form=DismissForm(),
                           restore_form=RestoreForm(), dismissed_by=dismissed_by)


def _formats_agency(code: str | None) -> Agency:
    """The agency whose file formats are shown: a coordinator's own; any one an administrator names."""
    if current_user.role != Role.ADMIN:
        agency = db.session.get(Agency, current_user.agency_id) if current_user.agency_id else None
        if agency is None or (code and code.upper() != agency.code.upper()):
            abort(404)
        return agency
    stmt = select(Agency).order_by(Agency.code)  # an inactive agency's formats stay readable
    agency = db.session.scalar(stmt.where(func.upper(Agency.code) == code.upper()) if code
                               else stmt.where(Agency.active.is_(True)).limit(1))
    if agency is None:
        abort(404)
    return agency


@bp.route("/imports/formats")
def file_formats():
    """Which kinds of file the agency sends and the columns each must have, read from its import mapping."""
    agency = _formats_agency(request.args.get("agency"))
    named = agency.mapping or agency.code
    broken = None  # a mapping file there is but that does not read: why, for an administrator to mend it
    try:
        mapping = load_mapping(named)
    except MappingError as exc:
        mapping = None
        if named.upper() in (m.upper() for m in available_mappings()):
            broken = str(exc) if current_user.role == Role.ADMIN else ""
    agencies = (db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)).all()
                if current_user.role == Role.ADMIN else [])
    return render_template("coordinator/file_formats.html", agency=agency, agencies=agencies, mapping=mapping,
                           broken=broken, mapping_name=named,
                           formats=[formats.describe(fm) for fm in mapping.files] if mapping else [],
                           fields=field_words.FIELDS, types=field_words.TYPES, separators=field_words.separators)


@bp.route("/imports/formats/<code>/<kind>.csv")
def file_template(code: str, kind: str):
    """A blank file of one kind: the header row the import expects (UTF-8 with BOM)."""
    agency = _formats_agency(code)
    try:
        fmap = load_mapping(agency.mapping or agency.code).for_file("", kind=kind)
    except MappingError:
        abort(404)
    return Response(formats.template_csv(fmap), mimetype="text/csv",
                    headers={"Content-Disposition": attachment(formats.template_name(fmap))})


@bp.route("/imports/<int:batch_id>/rejected.<any(csv, xlsx):fmt>")
def rejected_rows_export(batch_id: int, fmt: str):
    """The batch's rows still in quarantine, as the agency sent them, with the reasons in a last column: to
    correct them in a spreadsheet and import the file again (each corrected row then replaces its quarantined
    one by its key). Named like the batch's file, so that the same kind of file is recognised."""
    batch = agency_batch_or_404(batch_id)
    rows = db.session.scalars(select(SourceRecord).where(
        SourceRecord.batch_id == batch.id, SourceRecord.status == SourceStatus.REJECTED)
        .order_by(SourceRecord.row_number)).all()
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row.raw or {}))
    header = [str(_("The row as sent (it could not be split into columns)")) if c == "__text" else c for c in columns]
    body = [[(row.raw or {}).get(c, "") for c in columns]
            + [_("; ").join(row_messages.error(e) for e in row.errors or [])] for row in rows]
    stem = Path(batch.filename).stem or f"import-{batch.id}"
    # the rows as sent may hold ID numbers and phones: who took them away is recorded, as for one row's page
    audit.record("quarantine.export", object_type="import_batch", object_id=batch.id, rows=len(rows), fmt=fmt)
    db.session.commit()
    return download([*header, _("Reasons")], body, f"{stem}_rejected", fmt)
