"""Access rules of the ingestion routes: imports, batch reports, quarantine, and the JSON push API."""

from __future__ import annotations

from models import BatchStatus, ImportBatch, RecordType, SourceRecord, SourceStatus

from .rules import COORDINATION, Route, roles
from .world import World, extend_world

OWN_AGENCY = roles(admin="both", coordinator="own")
RULES = {
    "coordinator.imports": Route("/coordinator/imports", COORDINATION),
    "coordinator.import_batch": Route("/coordinator/imports/{batch}", OWN_AGENCY),
    "coordinator.rejected_rows_export": Route("/coordinator/imports/{batch}/rejected.csv", OWN_AGENCY),
    "coordinator.file_formats": Route("/coordinator/imports/formats", COORDINATION),
    "coordinator.file_template": Route("/coordinator/imports/formats/{agency_code}/{file_kind}.csv", OWN_AGENCY),
    "coordinator.quarantine": Route("/coordinator/quarantine", COORDINATION),
    "coordinator.quarantined_row": Route("/coordinator/quarantine/{rejected}", OWN_AGENCY),
    "coordinator.quarantined_row_dismiss": Route("/coordinator/quarantine/{rejected}/dismiss", OWN_AGENCY,
                                                 method="POST", data={"reason": "测试行"}),
    "coordinator.quarantined_row_restore": Route("/coordinator/quarantine/{rejected}/restore", OWN_AGENCY,
                                                 method="POST"),
    "coordinator.quarantine_dismiss": Route("/coordinator/quarantine/dismiss", COORDINATION, method="POST",
                                            data={"reason": "测试行"}),
    "api_imports.push": Route("/api/v1/imports", COORDINATION, method="POST", json=True),
    "api_imports.batch": Route("/api/v1/imports/{batch}", OWN_AGENCY, json=True),
    "api_imports.rejected_rows": Route("/api/v1/imports/{batch}/rejected", OWN_AGENCY, json=True),
    "api_imports.file_formats": Route("/api/v1/imports/formats", COORDINATION, json=True),
}


@extend_world
def ingest_objects(make, world: World) -> None:  # noqa: ANN001
    """An import batch with one quarantined row for each side (own: SAMR, other: MEE)."""
    from regulator.extensions import db

    for side in ("own", "other"):
        agency_id = world.own["agency"] if side == "own" else world.other["agency"]
        batch = ImportBatch(agency_id=agency_id, filename=f"{side}.csv", file_format="csv",
                            mapping="SAMR/samr_licences", status=BatchStatus.COMPLETED, rows_read=1,
                            rows_rejected=1, report={})
        db.session.add(batch)
        db.session.flush()
        row = SourceRecord(agency_id=agency_id, batch_id=batch.id, row_number=1, content_hash=f"{side}-bad",
                           record_type=RecordType.LICENCE, raw={"许可证编号": ""}, status=SourceStatus.REJECTED,
                           errors=[{"column": "许可证编号", "message": "is required but empty", "value": None}])
        db.session.add(row)
        db.session.flush()
        getattr(world, side).update(batch=batch.id, rejected=row.id)
    world.own.update(agency_code="SAMR", file_kind="samr_licences")
    world.other.update(agency_code="MEE", file_kind="mee_permits")
