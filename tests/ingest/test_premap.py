"""Files read and mapped by a worker process: the same rows as read and mapped in the importing process,
errors raised where they would have been, the worker kept between files and stopped with an import that
stops early, and an import that links and writes the same."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from models import ImportBatch, Licence, SourceRecord
from models.base import json_text
from regulator import create_app
from regulator.extensions import db
from regulator.ingest import FileError, IngestError, IngestOptions, pipeline, premap
from regulator.ingest.demo import ingest_directory
from regulator.ingest.mapping import FileMapping, load_mapping
from regulator.ingest.premap import RowsAhead, prepared_chunks, read_ahead
from regulator.ingest.prepare import jsonable, prepare_rows
from regulator.ingest.readers import read_file

from ..conftest import _config
from .test_small_import import _outcome, _register_agencies

CODE, DATE, STATUS = "统一社会信用代码", "发证日期", "状态"


@pytest.fixture
def every_file_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small test files go to the worker too (by default only files of a chunk's size or more)."""
    monkeypatch.setattr(premap, "AHEAD_BYTES", 0)
    monkeypatch.setattr(premap, "COLD_AHEAD_BYTES", 0)


def _licences(world: Path, tmp_path: Path, boom: int | None = None, copies: int = 1) -> Path:
    """The demo licences with a bad date, an unknown status, a bad credit code and a short row among them (and
    the status ``boom`` in row ``boom``, for ``_Failing``), ``copies`` times over."""
    with (world / "SAMR/samr_licences.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header, rows = next(reader), list(reader)
    rows[12][header.index(DATE)] = "2023-13-45"
    rows[23][header.index(STATUS)] = "不知道"
    rows[31][header.index(CODE)] = "91440300MA5ABCDE1X"
    rows[40] = rows[40][:3]
    if boom is not None:
        rows[boom][header.index(STATUS)] = "boom"
    path = tmp_path / "samr_licences.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows * copies])
    return path


def _fields(items: list) -> list[tuple]:
    """Every field a prepared row has when it reaches the linking: the stored JSON of the raw and canonical row
    as the source record will hold it (a worker sends it encoded)."""
    return [(i.row_number, i.raw if isinstance(i.raw, str) else json_text(i.raw), i.content_hash, i.canonical,
             None if i.errors else i.canonical_json or json_text(jsonable(i.canonical)), i.errors, i.findings,
             i.uscc_raw, i.uscc, i.source_key)
            for i in items]


def _running(pid: int) -> bool:
    """Whether ``pid`` is alive (an ended process that nobody reaped is a zombie: state ``Z``)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _idle() -> list[int]:
    return [w.process.pid for w in premap._idle if w.process.poll() is None]


def test_rows_mapped_ahead_are_the_rows_mapped_here(app, demo_world, tmp_path):
    """The same format, encoding, headers, hash and number of rows; from a checkpoint on, in chunks of 7, every
    field of every prepared row equal, rejected rows included; the worker is kept for the next file."""
    path = _licences(demo_world, tmp_path)
    source, worked = read_file(path), read_ahead(path)
    assert isinstance(worked.rows, RowsAhead)
    worker = worked.rows.worker.process.pid
    assert (worked.file_format, worked.encoding, worked.headers, worked.file_hash, len(worked)) == (
        source.file_format, source.encoding, source.headers, source.file_hash, len(source))
    fmap = load_mapping("SAMR").for_file("samr_licences.csv", source.headers)
    with prepared_chunks(fmap, source.rows, 5, 7) as chunks:
        here = [(n, _fields(items)) for n, items in chunks]
    with prepared_chunks(fmap, worked.rows, 5, 7) as chunks:
        ahead = [(n, _fields(items)) for n, items in chunks]
    assert ahead == here
    assert sum(n for n, _items in here) == len(source.rows) - 5
    rejected = [row for _n, items in ahead for row in items if row[5]]
    assert {row[0] for row in rejected} == {13, 24, 41}, rejected  # data rows, 1-based
    short = next(row for row in rejected if row[0] == 41)
    assert [e.message for e in short[5]] == [f"row has 3 fields, the header has {len(source.headers)}"]
    assert any(row[6] for _n, items in ahead for row in items)  # the bad credit code's finding
    assert all(row[9] for _n, items in ahead for row in items)  # licence numbers, the file's row keys
    assert worker in _idle()
    again = read_ahead(path)
    assert again.rows.worker.process.pid == worker  # one worker, file after file
    with prepared_chunks(fmap, again.rows, 0, 50) as chunks:
        assert [row for _n, items in chunks for row in _fields(items)] == _fields(prepare_rows(fmap, source.rows))


def test_rows_travel_as_plain_strings_and_arrive_as_the_json_text_stored(demo_world, tmp_path):
    """The worker's rows pickle as tuples of plain strings (a ``str`` subclass unpickles through its class, about
    twice as slowly); unpacked, the raw row and canonical JSON are ``JsonText`` again, which the writer inserts as
    they are, equal to the text the importing process would have encoded."""
    import pickle

    from regulator.ingest.bulk import JsonText
    from regulator.ingest.prepare import pack, unpack

    path = _licences(demo_world, tmp_path)
    source = read_file(path)
    fmap = load_mapping("SAMR").for_file("samr_licences.csv", source.headers)
    items = prepare_rows(fmap, source.rows[:60])
    packed = pack(items)
    assert b"JsonText" not in pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)
    back = unpack(pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)))  # noqa: S301
    assert all(type(b.raw) is JsonText and b.raw == json_text(i.raw) for b, i in zip(back, items, strict=True))
    accepted = [(b, i) for b, i in zip(back, items, strict=True) if not i.errors]
    assert accepted and all(type(b.canonical_json) is JsonText and b.canonical_json == json_text(jsonable(i.canonical))
                            for b, i in accepted)
    assert all(b.canonical_json is None for b, i in zip(back, items, strict=True) if i.errors)
    assert [b.errors for b in back] == [i.errors for i in items] and any(b.errors for b in back)


@dataclass(frozen=True)
class _Failing(FileMapping):
    """The demo mapping, failing on the row whose status is ``"boom"``: raising, or ending the worker."""

    exit_code: int | None = None
    importer: int = 0

    def apply_all(self, rows):  # noqa: ANN001, ANN201
        if any(r.get(STATUS) == "boom" for r in rows):
            if self.exit_code is not None and os.getpid() != self.importer:
                os._exit(self.exit_code)
            raise ValueError("status 'boom' cannot be mapped")
        return super().apply_all(rows)


def _failing(fmap: FileMapping, exit_code: int | None = None) -> _Failing:
    return _Failing(**{f.name: getattr(fmap, f.name) for f in fields(fmap)}, exit_code=exit_code,
                    importer=os.getpid())


def test_an_error_while_mapping_ahead_is_raised_at_its_chunk(app, demo_world, tmp_path):
    """The worker's exception reaches the importing process after the chunks before it, as mapping here would;
    the worker goes on to the next file."""
    path = _licences(demo_world, tmp_path, boom=33)
    source = read_ahead(path)
    worker = source.rows.worker.process.pid
    fmap = _failing(load_mapping("SAMR").for_file("samr_licences.csv", source.headers))
    got = []
    with pytest.raises(ValueError, match="boom"), prepared_chunks(fmap, source.rows, 0, 10) as chunks:
        got.extend(len(items) for _n, items in chunks)
    assert got == [10, 10, 10]
    assert source.rows.worker is None and worker in _idle()
    again = read_ahead(_licences(demo_world, tmp_path))
    assert again.rows.worker.process.pid == worker  # kept after the error (the last one given back)
    with prepared_chunks(load_mapping("SAMR").for_file("samr_licences.csv", again.headers), again.rows, 0,
                         10) as chunks:
        assert sum(n for n, _items in chunks) == len(again)


def test_a_file_the_worker_cannot_read_is_refused_as_here(app, tmp_path):
    """A file that fails as a whole: the same error, its message from the importing process."""
    path = tmp_path / "samr_licences.csv"
    path.write_text("许可证编号,状态,状态\nXK1,存续,存续\n", encoding="utf-8")
    with pytest.raises(FileError) as here:
        read_file(path)
    with pytest.raises(FileError) as ahead:
        read_ahead(path)
    assert str(ahead.value) == str(here.value) and "samr_licences.csv" in str(here.value)


def test_a_worker_that_dies_is_an_error_naming_its_rows(app, demo_world, tmp_path):
    source = read_ahead(_licences(demo_world, tmp_path, boom=33))
    worker = source.rows.worker.process.pid
    fmap = _failing(load_mapping("SAMR").for_file("samr_licences.csv", source.headers), exit_code=3)
    with pytest.raises(IngestError, match=r"rows 31-40 ended without sending them \(exit code 3\)"), \
            prepared_chunks(fmap, source.rows, 0, 10) as chunks:
        for _chunk in chunks:
            pass
    assert not _running(worker) and worker not in _idle()


def test_an_import_that_stops_early_stops_the_worker(app, demo_world, tmp_path):
    source = read_ahead(_licences(demo_world, tmp_path, copies=50))
    worker = source.rows.worker.process.pid
    with prepared_chunks(load_mapping("SAMR").for_file("samr_licences.csv", source.headers), source.rows, 0,
                         10) as chunks:
        next(chunks)
    assert not _running(worker) and worker not in _idle()


#: has a worker map a file in chunks of 50; prints the worker's pid after two chunks, then waits
_HOLDER = """
import sys, time
from regulator.ingest.mapping import load_mapping
from regulator.ingest.premap import prepared_chunks, read_ahead
source = read_ahead(sys.argv[1])
fmap = load_mapping("SAMR").for_file("samr_licences.csv", source.headers)
with prepared_chunks(fmap, source.rows, 0, 50) as chunks:
    next(chunks), next(chunks)
    print(source.rows.worker.process.pid, flush=True)
    time.sleep(300)
"""


def test_the_worker_ends_when_the_import_is_killed(demo_world, tmp_path):
    """kill -9 of the importing process while its worker has far more to send than the socket holds: the
    worker's next send fails and it ends, instead of waiting for a reader that is gone."""
    path = _licences(demo_world, tmp_path, copies=400)
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)],
                              cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        worker = int(holder.stdout.readline())
        time.sleep(0.5)
        assert _running(worker)  # blocked on a full socket, with the rest of 18,800 rows to send
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    deadline = time.monotonic() + 30
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker), "the worker outlived the killed import"


def test_an_import_stopped_early_resumes_with_exact_counts(app, agencies, demo_world, every_file_ahead):
    """Two chunks of ten, then the import stops (as a crash would leave it); the same file resumes at the
    checkpoint, each row stored once (on both databases)."""
    path = demo_world / "SAMR/samr_licences.csv"
    rows = len(read_file(path).rows)
    assert rows > 40
    pipeline.ingest_file(path, "SAMR", IngestOptions(notify=False, chunk_size=10, max_chunks=2, map_ahead=True))
    batch = db.session.scalars(select(ImportBatch)).one()
    assert (batch.status, batch.report["checkpoint"], batch.rows_read) == ("running", 20, 20)
    batch = pipeline.ingest_file(path, "SAMR", IngestOptions(notify=False, chunk_size=10, map_ahead=True))
    assert (batch.status, batch.rows_read, batch.rows_accepted, batch.rows_duplicate) == (
        "completed", rows, rows, 0)
    assert db.session.scalar(select(func.count(SourceRecord.id))) == rows
    assert db.session.scalar(select(func.count(func.distinct(SourceRecord.content_hash)))) == rows
    assert db.session.scalar(select(func.count(Licence.id))) == rows
    assert _idle()
    # the JSON the worker encoded is stored as JSON objects (JSONB on PostgreSQL), not as strings of JSON
    stored = db.session.scalars(select(SourceRecord).order_by(SourceRecord.row_number)).all()
    assert all(isinstance(r.raw, dict) and isinstance(r.canonical, dict) for r in stored)
    assert [r.raw for r in stored] == [{k: v for k, v in row.items() if not k.startswith("__")}
                                       for row in read_file(path).rows]


def test_the_command_line_reads_and_maps_ahead(runner, agencies, demo_world, every_file_ahead):
    """``flask ingest`` uses the worker unless told ``--no-map-ahead``."""
    premap.stop_workers()
    path = str(demo_world / "SAMR/samr_registration.csv")
    result = runner.invoke(args=["ingest", path, "--agency", "SAMR", "--no-progress", "--no-map-ahead"])
    assert result.exit_code == 0 and not _idle(), result.output
    result = runner.invoke(args=["ingest", path, "--agency", "SAMR", "--no-progress"])
    assert result.exit_code == 0 and len(_idle()) == 1, result.output
    assert "duplicates           150" in result.output


def test_the_world_imported_with_rows_mapped_ahead_links_and_writes_the_same(tmp_path, sqlite_template,
                                                                              demo_world, every_file_ahead):
    """Every file of the demo world in chunks of 40, read and mapped here and ahead: the same rows, statuses,
    links, probabilities, entities, names, addresses, phones and persons."""
    outcomes = {}
    for ahead in (False, True):
        path = tmp_path / f"ahead-{ahead}.db"
        shutil.copyfile(sqlite_template, path)
        with create_app(_config(f"sqlite:///{path}")).app_context():
            _register_agencies()
            batches = ingest_directory(demo_world, IngestOptions(notify=False, reuse_index=True, chunk_size=40,
                                                                 map_ahead=ahead))
            pipeline._kept.clear()
            outcomes[ahead] = _outcome([b.id for b in batches])
            outcomes[ahead]["stored"] = db.session.execute(text(  # as stored: the JSON text, the row key
                "SELECT batch_id, row_number, raw, canonical, errors, findings, source_key, content_hash "
                "FROM source_record ORDER BY batch_id, row_number")).all()
            db.session.remove()
            db.engine.dispose()
    assert len(outcomes[True]["rows"]) > 500
    assert all(isinstance(row.raw, str) and row.raw.startswith("{") for row in outcomes[True]["stored"])
    assert outcomes[True] == outcomes[False]
    assert not premap._reading  # each file read ahead of its turn was then imported


def test_a_file_read_ahead_of_its_turn_is_taken_from_its_worker(app, demo_world, tmp_path, every_file_ahead):
    """``prefetch`` has a worker read the next file of a run while another is imported; opening it then takes
    that worker's rows (not a second read), and a file nobody opens is let go with the idle workers."""
    path = _licences(demo_world, tmp_path)
    premap.prefetch(path)
    premap.prefetch(path)  # asked twice: one worker
    reading = premap._reading[str(path.resolve())].process.pid
    assert len(premap._reading) == 1
    source = read_ahead(path)
    assert source.rows.worker.process.pid == reading and not premap._reading
    assert (source.file_hash, len(source)) == (read_file(path).file_hash, len(read_file(path)))
    source.close()  # never mapped: the worker waits for a mapping, so it is stopped
    assert not _running(reading)
    other = tmp_path / "other.csv"
    shutil.copyfile(path, other)
    premap.prefetch(other)
    waiting = premap._reading[str(other.resolve())].process.pid
    premap.forget(other)
    assert not premap._reading and not _running(waiting)
    premap.prefetch(other)
    waiting = premap._reading[str(other.resolve())].process.pid
    premap.stop_workers()
    assert not premap._reading and not _running(waiting)


def test_a_run_that_fails_lets_go_of_the_file_it_read_ahead(app, agencies, demo_world, tmp_path, every_file_ahead):
    """A directory run whose third file is refused: the worker that read the fourth is stopped, none is left
    reading."""
    run = tmp_path / "run"
    shutil.copytree(demo_world, run)
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    broken = run / manifest["files"][2]["path"]
    broken.write_text("not,the,columns\n1,2,3\n", encoding="utf-8")
    with pytest.raises(FileError, match=broken.name):
        ingest_directory(run, IngestOptions(notify=False, reuse_index=True, map_ahead=True))
    assert not premap._reading


def test_a_worker_is_started_only_for_a_file_large_enough_to_pay_for_its_start(app, demo_world, tmp_path,
                                                                                monkeypatch):
    """Below ``COLD_AHEAD_BYTES`` a file is read here unless a worker is running already (a run of files)."""
    path = _licences(demo_world, tmp_path)
    premap.stop_workers()
    monkeypatch.setattr(premap, "AHEAD_BYTES", 0)
    monkeypatch.setattr(premap, "COLD_AHEAD_BYTES", path.stat().st_size + 1)
    cold = premap.open_source(path, ahead=True)
    assert isinstance(cold.rows, list) and not _idle()
    monkeypatch.setattr(premap, "COLD_AHEAD_BYTES", path.stat().st_size)
    with premap.open_source(path, ahead=True) as started:
        assert isinstance(started.rows, RowsAhead)
        with prepared_chunks(load_mapping("SAMR").for_file(path.name, started.headers), started.rows, 0,
                             100) as chunks:
            assert sum(n for n, _items in chunks) == len(cold.rows)
    assert len(_idle()) == 1
    monkeypatch.setattr(premap, "COLD_AHEAD_BYTES", path.stat().st_size + 1)
    with premap.open_source(path, ahead=True) as warm:
        assert isinstance(warm.rows, RowsAhead)  # a worker is running: no start to pay for
    assert isinstance(premap.open_source(path, ahead=False).rows, list)


def test_a_register_mapped_ahead_brings_the_features_of_its_new_entities(app, agencies, demo_world, every_file_ahead,
                                                                         monkeypatch):
    """The worker mapping a register prepares the matching features of the identity rows its new entities get in
    the entity index: the importing process prepares none of them itself, and they equal features prepared here."""
    from regulator.linkage import entity_rows
    from regulator.linkage.profiles import UID

    cache = entity_rows.FeatureCache()
    monkeypatch.setattr(entity_rows, "FEATURES", cache)
    here: list[tuple] = []
    prepare = entity_rows.prepare_identities
    monkeypatch.setattr(entity_rows, "prepare_identities", lambda name, rows: here.extend(rows) or prepare(name, rows))
    pipeline._kept.clear()
    try:
        batch = pipeline.ingest_file(demo_world / "SAMR/samr_registration.csv", "SAMR",
                                     IngestOptions(notify=False, map_ahead=True, reuse_index=True, chunk_size=40))
        rows = pipeline._kept["writer"].index.rows
    finally:
        pipeline._kept.clear()
    assert batch.entities_new > 100 and len(rows) >= batch.entities_new
    table = rows.prepared("company")
    assert here == []
    fresh = prepare("company", [r[1:] for r in rows.rows()])
    assert table.drop_columns([UID]).combine_chunks().equals(fresh.drop_columns([UID]).combine_chunks())
