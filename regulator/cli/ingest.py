"""`flask ingest FILE --agency CODE`: import one agency file with a progress bar and an end report."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..ingest import IngestError, IngestOptions, ingest_rows, open_import
from ..ingest.pipeline import CHUNK_SIZE
from ..ingest.readers import file_row


def _report(batch) -> list[str]:  # noqa: ANN001 - an ImportBatch
    lines = [f"batch {batch.id}: {batch.filename} ({batch.mapping}, {batch.file_format}"
             f"{', ' + batch.encoding if batch.encoding else ''})",
             f"  rows read      {batch.rows_read:>9}",
             f"  accepted       {batch.rows_accepted:>9}",
             f"  rejected       {batch.rows_rejected:>9}",
             f"  duplicates     {batch.rows_duplicate:>9}",
             f"  new entities   {batch.entities_new:>9}",
             f"  updated        {batch.entities_updated:>9}",
             f"  to review      {batch.report.get('reviews', 0):>9}"]
    if batch.report.get("replaced"):
        lines.append(f"  replaced       {batch.report['replaced']:>9}  (accepted earlier, sent again changed)")
    if batch.report.get("superseded"):
        lines.append(f"  out of quarantine {batch.report['superseded']:>6}  (sent again corrected)")
    if batch.report.get("title"):
        lines.append(f"  above the header (left out): {' / '.join(batch.report['title'])[:200]}")
    for reason, n in sorted(batch.report.get("rejected_by_reason", {}).items(), key=lambda kv: -kv[1]):
        lines.append(f"  rejected {n:>6} × {reason}")
    for kind, n in sorted(batch.report.get("findings", {}).items(), key=lambda kv: -kv[1]):
        lines.append(f"  finding  {n:>6} × {kind}")
    return lines


@click.command("ingest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", required=True, help="Code of the agency that sent the file.")
@click.option("--kind", default=None, help="File kind of the agency's mapping (default: from the file name).")
@click.option("--chunk-size", default=CHUNK_SIZE, show_default=True, help="Rows per transaction (and checkpoint).")
@click.option("--notify/--no-notify", default=True, show_default=True,
              help="Update credit classes and the search index for the entities touched.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--map-ahead/--no-map-ahead", default=True, show_default=True,
              help="Read and map large files in a worker process while this one links and writes.")
@with_appcontext
def ingest(path: Path, agency_code: str, kind: str | None, chunk_size: int, notify: bool, progress: bool,
           map_ahead: bool) -> None:
    """Import PATH (CSV, TSV, XLSX or JSON lines; encoding detected) for AGENCY; re-run to resume."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    options = IngestOptions(kind=kind, chunk_size=chunk_size, notify=notify, map_ahead=map_ahead)
    try:
        agency, fmap, source = open_import(path, agency_code, options)
    except IngestError as exc:
        raise click.ClickException(str(exc)) from exc
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with source, Progress(*columns, disable=not progress, transient=False) as bar:
        task = bar.add_task(f"{path.name} → {fmap.agency}/{fmap.name}", total=len(source.rows))
        options.progress = lambda n: bar.advance(task, n)
        try:
            batch = ingest_rows(agency, fmap, source.rows, options, filename=path.name,
                                file_hash=source.file_hash, file_format=source.file_format,
                                encoding=source.encoding, title=source.title, header_row=source.header_row)
        except IngestError as exc:
            raise click.ClickException(str(exc)) from exc
    for line in _report(batch):
        click.echo(line)
    for line in _rejections(batch):
        click.echo(line, err=True)


def _rejections(batch, limit: int = 20) -> list[str]:  # noqa: ANN001 - an ImportBatch
    """``file:row: column: message`` for the first rejected rows of the batch (all are in the quarantine)."""
    from sqlalchemy import select

    from models import SourceRecord, SourceStatus

    from ..extensions import db

    rows = db.session.scalars(select(SourceRecord).where(
        SourceRecord.batch_id == batch.id, SourceRecord.status == SourceStatus.REJECTED)
        .order_by(SourceRecord.row_number).limit(limit)).all()
    # the row as a spreadsheet program or an editor numbers it (the file's row), as compilers name a line
    lines = [f"{batch.filename}:{file_row(r.row_number, batch.report)}: {e.get('column') or 'row'}: "
             f"{e.get('message')}"
             for r in rows for e in r.errors]
    if batch.rows_rejected > limit:
        lines.append(f"… {batch.rows_rejected - limit} more rejected rows: see /coordinator/imports/{batch.id}")
    return lines
