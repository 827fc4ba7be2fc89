"""Load benchmark: gunicorn on PostgreSQL under 16 concurrent clients, plus two faults.

    python bench/load.py build --entities 1000000       # database regulator_load on 127.0.0.1:5432 (COPY)
    python bench/load.py run --duration 60              # gunicorn + 16 clients per scenario, figures as JSON
    python bench/load.py faults                         # worker SIGKILL; database restart (own cluster, 5433)

``build`` generates the demo world (seed 7) and bulk-loads it with COPY (bench/profile_world.py), builds the
name index, runs VACUUM ANALYZE and creates a coordinator and an inspector account. ``run`` starts gunicorn
(deploy/gunicorn.conf.py, production config, JSON logs to a file; sync workers unless --worker-class) on a
free loopback port, signs in once, and starts the load client in a second process (``client``: asyncio
streams, N concurrent clients for a fixed time, connections kept alive where the server allows), once per
scenario: the internal profile page, the public search API, and the inspector's ranked task list
(``--client wrk``: the same load from wrk instead, bench/wrk_client.py, a C client that leaves the server
more of the two cores). Each
scenario reports requests/s, p50/p95/p99/max, errors, the load average before it and the CPU seconds of
the client, gunicorn and PostgreSQL (``cpu_ms_per_request``: all three), and the machine's speed just
before and after it (``speed_probe_ms``: CPU ms of a fixed workload; this VM's speed drifts).

``faults`` measures recovery: (1) one gunicorn worker SIGKILLed mid-run; (2) the database restarted under
load. The restart uses a throwaway PostgreSQL cluster of its own (initdb under /tmp, port 5433, run as the
``postgres`` user) with a small world; the shared server on 5432 is never touched.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import http.client
import json
import os
import platform
import random
import re
import resource
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway benchmark account
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/regulator_load"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
TMP = Path(tempfile.gettempdir())
FAULT_DIR = TMP / "regulator_pg5433"
FAULT_PORT = 5433
GUNICORN = Path(sys.executable).with_name("gunicorn")
#: gunicorn's settings as production has them on this machine (workers, threads, worker_class, ...)
PRODUCTION = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
#: one agent for sign-in and load: session protection ("strong") ties a session to address and agent
USER_AGENT = "regulator-bench/1"


# ---------------------------------------------------------------- build

def _sample_file(url: str) -> Path:
    return TMP / f"regulator_load_{url.rsplit('/', 1)[-1]}.json"


def build(url: str, entities: int, seed: int = 7) -> dict:
    """Fresh database, migrated; the world bulk-loaded; name index; ANALYZE; the bench account; a sample file."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from bench.databases import fresh_database
    from bench.profile_pages import _app, _queries
    from bench.profile_world import load_world
    from models import MarketEntity, Role
    from regulator.extensions import db
    from regulator.services import name_index
    from regulator.services import users as user_service

    figures: dict = {"entities": entities}
    fresh_database(url)
    app = _app(url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        figures["load_s"] = load_world(entities, seed)
        figures["load_total_s"] = time.perf_counter() - started
        for table in ("address", "market_entity", "person", "entity_role", "source_record", "inspection",
                      "violation", "enforcement_action", "list_entry", "complaint", "licence", "agency"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
        db.session.commit()
        started = time.perf_counter()
        figures["name_grams"] = name_index.reindex()
        db.session.commit()
        figures["name_index_s"] = time.perf_counter() - started
        started = time.perf_counter()
        db.session.commit()
        # VACUUM too: freshly copied tables have no visibility map, so index-only scans would read the heap
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
        figures["analyze_s"] = time.perf_counter() - started
        user_service.create_user("bench.coord", PASSWORD, Role.COORDINATOR, agency_code="SAMR")
        user_service.create_user("bench.insp", PASSWORD, Role.INSPECTOR, agency_code="SAMR")
        db.session.commit()
        rng = random.Random(seed)
        top = db.session.scalar(select(func.max(MarketEntity.id)))
        ids = rng.sample(range(1, top + 1), min(5000, top))
        names = list(db.session.scalars(select(MarketEntity.name).where(MarketEntity.id.in_(ids[:2000]))))
        db.session.remove()
    _sample_file(url).write_text(json.dumps({"ids": ids, "queries": _queries(names, rng)}, ensure_ascii=False))
    return figures


def ensure_inspector_tasks(url: str, n_tasks: int = 40, seed: int = 7) -> int:
    """A published campaign that draws bench.insp for ``n_tasks`` joint tasks (SAMR + MEE), once."""
    from datetime import date, timedelta

    from sqlalchemy import func, select

    from bench.profile_pages import _app
    from models import Campaign, CampaignStatus, InspectionTask, MarketEntity, TaskAgency, TaskInspector, User
    from regulator.extensions import db

    app = _app(url)
    with app.app_context():
        inspector = db.session.scalar(select(User).where(User.username == "bench.insp"))
        have = db.session.scalar(select(func.count()).select_from(TaskInspector)
                                 .where(TaskInspector.user_id == inspector.id))
        if not have:
            rng = random.Random(seed)
            top = db.session.scalar(select(func.max(MarketEntity.id)))
            today = date.today()
            campaign = Campaign(name="bench campaign", period_start=today, period_end=today + timedelta(days=90),
                                status=CampaignStatus.PUBLISHED, lead_agency_id=inspector.agency_id)
            db.session.add(campaign)
            db.session.flush()
            for entity_id in rng.sample(range(1, top + 1), n_tasks):
                task = InspectionTask(campaign_id=campaign.id, entity_id=entity_id, window_start=today,
                                      window_end=today + timedelta(days=30))
                db.session.add(task)
                db.session.flush()
                for agency_id in (inspector.agency_id, 2):
                    db.session.add(TaskAgency(task_id=task.id, agency_id=agency_id, selection_reason="risk_ranking",
                                              risk_probability=round(rng.random(), 3)))
                db.session.add(TaskInspector(task_id=task.id, user_id=inspector.id, agency_id=inspector.agency_id))
            db.session.commit()
            have = n_tasks
        db.session.remove()
    return have


# ---------------------------------------------------------------- serve

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(url: str, pool_size: int) -> dict[str, str]:
    """What the served app is given: the database, bench secrets, JSON logs, no rate limit in the way."""
    return {"DATABASE_URL": url, "SECRET_KEY": "bench-" + "s" * 40, "PII_HASH_KEY": "bench-" + "p" * 40,
            "LOG_FORMAT": "json", "API_RATE_LIMIT": "1000000 per minute", "DB_POOL_SIZE": str(pool_size)}


def serve(url: str, workers: int, threads: int, log: Path, worker_class: str) -> tuple[subprocess.Popen, str]:
    """gunicorn as in production (deploy/gunicorn.conf.py); returns the process and its base URL."""
    port = _free_port()
    env = {**os.environ, **app_environment(url, pool_size=threads), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads), "PYTHONPATH": str(ROOT),
           "GUNICORN_WORKER_CLASS": worker_class}
    env.pop("REGULATOR_ENV", None)
    with log.open("wb") as sink:
        proc = subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],  # noqa: S603
                                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if _request(base, "GET", "/api/v1/ready")[0] == 200:
                return proc, base
        except OSError:
            pass
        time.sleep(0.1)
    stop(proc)  # not left serving in the background, taking CPU from later runs
    raise RuntimeError(f"gunicorn did not become ready: {log.read_text()[-2000:]}")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM (graceful), then wait."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cpu_of(pid: int) -> float | None:
    """User + system CPU seconds the process has used so far (None when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds these processes have used so far (gone ones count 0)."""
    return sum(cpu_of(pid) or 0.0 for pid in pids)


class CpuMeter:
    """CPU seconds of gunicorn (master and workers) and of the database's backends over a scenario.

    Sampled every half second while the load runs, so that a worker replaced meanwhile (max_requests)
    and the connections it held still count up to their last sample instead of vanishing from the sum.
    """

    def __init__(self, url: str, master: int) -> None:
        from sqlalchemy import create_engine

        self.master = master
        # autocommit: pg_stat_activity is a snapshot per transaction
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.conn = self.engine.connect()
        self.start: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}
        self.last: dict[str, dict[int, float]] = {"gunicorn": {}, "postgres": {}}
        self.sample(first=True)

    def _pids(self) -> dict[str, list[int]]:
        from sqlalchemy import text

        backends = list(self.conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                               "AND pid <> pg_backend_pid()")))
        return {"gunicorn": [self.master, *workers_of(self.master)], "postgres": backends}

    def sample(self, first: bool = False) -> None:
        """Remember each process's CPU so far; a process first seen after the start counts from zero."""
        for group, pids in self._pids().items():
            for pid in pids:
                used = cpu_of(pid)
                if used is None:
                    continue
                if first:
                    self.start[group][pid] = used
                self.last[group][pid] = used

    def totals(self) -> dict[str, float]:
        """CPU seconds per group since the first sample."""
        self.sample()
        self.conn.close()
        self.engine.dispose()
        return {group: sum(used - self.start[group].get(pid, 0.0) for pid, used in self.last[group].items())
                for group in self.last}


def workers_of(master: int) -> list[int]:
    """The gunicorn master's worker pids."""
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _request(base: str, method: str, path: str, body: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
    response = conn.getresponse()
    data = response.read().decode("utf-8", "replace")
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    return response.status, {"set-cookie": ";;".join(cookies), "location": response.getheader("Location", "")}, data


def login(base: str, username: str) -> str:
    """Sign in through the login form (CSRF token included); returns the session cookie header."""
    status, headers, page = _request(base, "GET", "/auth/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    cookie = re.search(r"session=([^;]+)", headers["set-cookie"])
    if status != 200 or not token or not cookie:
        raise RuntimeError("login page without CSRF token or session cookie")
    form = f"csrf_token={quote(token.group(1))}&username={quote(username)}&password={quote(PASSWORD)}"
    status, headers, _ = _request(base, "POST", "/auth/login", form, {
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie.group(1)}"})
    signed = re.search(r"session=([^;]+)", headers["set-cookie"])
    if status != 302 or not signed:
        raise RuntimeError(f"sign-in as {username} failed: HTTP {status}")
    return f"session={signed.group(1)}"


# ---------------------------------------------------------------- client (second process)

def _paths(scenario: str, sample: dict, rng: random.Random) -> str:
    if scenario == "profile":
        return f"/entities/{rng.choice(sample['ids'])}"
    if scenario == "search":
        return f"/api/v1/public/entities?q={quote(rng.choice(sample['queries']))}"
    if scenario == "tasks":
        return sample["tasks_path"]
    return _paths(rng.choice(sample["mixed"]), sample, rng)


class _Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams.

    A few lines of parsing instead of an HTTP library: the client shares the server's two cores, and
    httpx spent more CPU per request than some of the pages it measured.
    """

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{self.host}:{port}", **headers}.items()
                            ).encode("latin-1") + b"\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def get(self, path: str) -> int:
        """GET ``path``; the status. A connection closed or reset before the answer is retried once on a
        new one, as a reverse proxy retries an idempotent request (a kept-alive connection the server
        closed meanwhile, a sync worker killed in the middle of the request)."""
        for retry in (True, False):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(path)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if not retry:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, path: str) -> int:
        self.writer.write(b"GET " + path.encode("ascii") + b" HTTP/1.1\r\n" + self.head)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        status = int(head[9:12])
        length = re.search(r"\r\ncontent-length: *(\d+)", head)
        if length:
            await self.reader.readexactly(int(length.group(1)))
        elif "transfer-encoding: chunked" in head:
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:  # the body runs to the end of the connection
            await self.reader.read()
            self.close()
        if "\r\nconnection: close" in head:
            self.close()
        return status


async def _load(base: str, cookie: str, scenario: str, sample: dict, duration: float, clients: int,
                seed: int) -> dict:
    results: list[tuple[float, float, int | str]] = []  # (start offset, ms, status or error)
    started, started_epoch = time.perf_counter(), time.time()
    deadline = started + duration
    headers = {"Cookie": cookie, "Accept-Language": "zh-CN", "User-Agent": USER_AGENT}

    async def one(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        connection = _Connection(base, headers)
        while time.perf_counter() < deadline:
            path = _paths(scenario, sample, rng)
            t0 = time.perf_counter()
            try:
                # a timeout scope, not wait_for: wait_for wraps each request in a task of its own (Python 3.11)
                async with asyncio.timeout(30):
                    outcome: int | str = await connection.get(path)
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as exc:
                connection.close()
                outcome = type(exc).__name__
            results.append((t0 - started, (time.perf_counter() - t0) * 1000, outcome))
        connection.close()

    await asyncio.gather(*(one(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    ok = sorted(ms for _t, ms, status in results if status == 200)
    errors: dict[str, int] = {}
    for _t, _ms, status in results:
        if status != 200:
            errors[str(status)] = errors.get(str(status), 0) + 1

    def pct(q: float) -> float | None:
        return round(ok[min(int(q * len(ok)), len(ok) - 1)], 1) if ok else None

    seconds: dict[int, list[int]] = {}
    for t, _ms, status in results:
        seconds.setdefault(int(t), [0, 0])[0 if status == 200 else 1] += 1
    return {"scenario": scenario, "clients": clients, "seconds": round(elapsed, 1), "requests": len(results),
            "rps": round(len(results) / elapsed, 1), "p50_ms": round(statistics.median(ok), 1) if ok else None,
            "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": round(ok[-1], 1) if ok else None,
            "errors": errors, "started_epoch": started_epoch,
            "per_second": [seconds.get(s, [0, 0]) for s in range(int(elapsed) + 1)]}


def client_main(args: argparse.Namespace) -> None:
    """The load generator (run as its own process): prints one JSON line of figures."""
    sample = json.loads(Path(args.sample).read_text())
    if args.engine == "wrk":
        from bench import wrk_client

        result = wrk_client.load(args.base, args.cookie, args.scenario, sample, args.duration, args.clients,
                                 args.seed, _paths, USER_AGENT)
    else:
        result = asyncio.run(_load(args.base, args.cookie, args.scenario, sample, args.duration, args.clients,
                                   args.seed))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, when it made the load
    result["client_cpu_s"] = round(usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime, 1)
    print(json.dumps(result))  # noqa: T201 - the parent process reads this line


def load(base: str, cookie: str, scenario: str, sample_path: Path, duration: float, clients: int,
         background: bool = False, engine: str = "asyncio") -> subprocess.Popen | dict:
    """Start the client process (``engine``: the asyncio client, or wrk: bench/wrk_client.py); wait for its
    figures unless ``background``."""
    proc = subprocess.Popen([sys.executable, __file__, "client", "--base", base, "--cookie", cookie,  # noqa: S603
                             "--scenario", scenario, "--sample", str(sample_path), "--duration", str(duration),
                             "--clients", str(clients), "--engine", engine], stdout=subprocess.PIPE, text=True)
    return proc if background else collect(proc)


def collect(proc: subprocess.Popen) -> dict:
    """The figures a client process printed."""
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"load client failed ({proc.returncode})")
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------- run

def _tasks_path(base: str, cookie: str) -> str | None:
    """The inspector's ranked task list (the campaigns area's /inspector/), when it lists the bench tasks."""
    status, _headers, page = _request(base, "GET", "/inspector/", headers={"Cookie": cookie})
    return "/inspector/" if status == 200 and "/inspector/tasks/" in page else None


def run(args: argparse.Namespace) -> dict:
    """Serve the built database and load each scenario in turn."""
    sample_path = _sample_file(args.url)
    sample = json.loads(sample_path.read_text())
    log = TMP / "regulator_load_gunicorn.log"
    figures_tasks = ensure_inspector_tasks(args.url) if "tasks" in args.scenarios else 0
    proc, base = serve(args.url, args.workers, args.threads, log, args.worker_class)
    figures: dict = {"python": interpreter(), "client": args.client,
                     "workers": args.workers, "threads": args.threads, "worker_class": args.worker_class,
                     "clients": args.clients,
                     "inspector_tasks": figures_tasks, "scenarios": []}
    try:
        cookie = login(base, "bench.coord")
        insp_cookie = login(base, "bench.insp")
        tasks = _tasks_path(base, insp_cookie)
        sample["mixed"] = ["profile", "search"]
        if tasks:
            sample["tasks_path"] = tasks
        sample_path.write_text(json.dumps(sample, ensure_ascii=False))
        load(base, cookie, "mixed", sample_path, 5, args.clients)  # warm workers, caches and pools
        for scenario in args.scenarios:
            if scenario == "tasks" and not tasks:
                figures["scenarios"].append({"scenario": "tasks", "skipped": "no inspector task list served"})
                continue
            load_before, speed_before = os.getloadavg()[0], speed_probe_ms()
            meter = CpuMeter(args.url, proc.pid)
            client = load(base, insp_cookie if scenario == "tasks" else cookie, scenario, sample_path,
                          args.duration, args.clients, background=True, engine=args.client)
            while client.poll() is None:
                time.sleep(0.5)
                meter.sample()
            result = collect(client)
            cpu = meter.totals()
            result.update(load_avg_before=round(load_before, 2), load_avg_after=round(os.getloadavg()[0], 2),
                          speed_probe_ms=[speed_before, speed_probe_ms()],
                          gunicorn_cpu_s=round(cpu["gunicorn"], 1), postgres_cpu_s=round(cpu["postgres"], 1))
            ok = result["requests"] - sum(result["errors"].values())
            if ok:
                result["cpu_ms_per_request"] = round(1000 * (result["gunicorn_cpu_s"] + result["postgres_cpu_s"]
                                                             + result["client_cpu_s"]) / ok, 1)
            result.pop("per_second", None)
            result.pop("started_epoch", None)
            figures["scenarios"].append(result)
            print(json.dumps(result), flush=True)  # noqa: T201
    finally:
        stop(proc)
    return figures


# ---------------------------------------------------------------- faults

def _after(result: dict, fault_epoch: float) -> dict:
    """Errors from the fault on, and the first second after it in which every request succeeded."""
    later = result["per_second"][max(int(fault_epoch - result["started_epoch"]), 0):]
    first_ok = next((i for i, (ok, err) in enumerate(later) if ok and not err), None)
    return {"errors_from_fault": sum(err for _ok, err in later),
            "seconds_to_clean_second": first_ok,
            "errors_after_recovery": sum(err for _ok, err in later[(first_ok or 0) + 1:]) if first_ok is not None
            else None}


def fault_worker_kill(url: str, args: argparse.Namespace) -> dict:
    """SIGKILL one worker 10 s into a mixed load: errors, and how soon every request succeeds again."""
    sample_path = _sample_file(url)
    sample = json.loads(sample_path.read_text())
    sample["mixed"] = ["profile", "search"]
    sample_path.write_text(json.dumps(sample, ensure_ascii=False))
    proc, base = serve(url, args.workers, args.threads, TMP / "regulator_load_fault_worker.log", args.worker_class)
    try:
        cookie = login(base, "bench.coord")
        client = load(base, cookie, "mixed", sample_path, args.fault_duration, args.clients, background=True)
        time.sleep(10)
        victim = workers_of(proc.pid)[0]
        fault_epoch = time.time()
        os.kill(victim, signal.SIGKILL)
        result = collect(client)
        replaced = victim not in workers_of(proc.pid) and len(workers_of(proc.pid)) == args.workers
    finally:
        stop(proc)
    return {"fault": "worker SIGKILL at 10 s", "worker_replaced": replaced, **_summary(result),
            **_after(result, fault_epoch)}


def _summary(result: dict) -> dict:
    return {k: result[k] for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors")}


def _as_postgres(*cmd: str) -> subprocess.CompletedProcess:
    prefix = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
    return subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True)  # noqa: S603


def _pg_ctl(action: str) -> None:
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(FAULT_DIR / "data"), "-l", str(FAULT_DIR / "log"), "-w",
                 "-m", "fast", "-o", f"-p {FAULT_PORT} -k {FAULT_DIR} -c listen_addresses=127.0.0.1", action)


def fault_db_restart(args: argparse.Namespace) -> dict:
    """Restart a throwaway cluster (port 5433) 10 s into a mixed load; the shared server is never touched."""
    if FAULT_DIR.exists():
        shutil.rmtree(FAULT_DIR)
    FAULT_DIR.mkdir()
    if os.geteuid() == 0:
        shutil.chown(FAULT_DIR, "postgres", "postgres")
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(FAULT_DIR / "data"), "-A", "trust", "-U", "postgres",
                 "--no-sync")
    _pg_ctl("start")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{FAULT_PORT}/regulator_fault"
    try:
        built = build(url, args.fault_entities)
        fault_worker = None
        proc, base = serve(url, args.workers, args.threads, TMP / "regulator_load_fault_db.log", args.worker_class)
        try:
            cookie = login(base, "bench.coord")
            sample_path = _sample_file(url)
            sample = json.loads(sample_path.read_text())
            sample["mixed"] = ["profile", "search"]
            sample_path.write_text(json.dumps(sample, ensure_ascii=False))
            client = load(base, cookie, "mixed", sample_path, args.fault_duration, args.clients, background=True)
            time.sleep(10)
            t0, fault_epoch = time.perf_counter(), time.time()
            _pg_ctl("restart")
            restart_s = time.perf_counter() - t0
            result = collect(client)
            ready = _request(base, "GET", "/api/v1/ready")[0]
        finally:
            stop(proc)
        fault = {"fault": "database restart (pg_ctl restart -m fast) at 10 s", "restart_s": round(restart_s, 1),
                 "entities": built["entities"], "ready_after": ready, **_summary(result),
                 **_after(result, fault_epoch)}
        if args.worker_fault_here:
            fault_worker = fault_worker_kill(url, args)
        return {"db_restart": fault, "worker_kill": fault_worker}
    finally:
        _pg_ctl("stop")
        shutil.rmtree(FAULT_DIR, ignore_errors=True)


def interpreter() -> dict:
    """The Python that runs gunicorn's workers (the one running this script, whose venv holds gunicorn):
    its version, and whether libpython is a shared library (a plain source build, such as pyenv's default)
    or linked into the executable (Debian's package, built with PGO and LTO). docs/deploy.md says why."""
    with open("/proc/self/maps") as maps:  # noqa: PTH123 - a Linux pseudo-file
        shared = any("libpython" in line for line in maps)
    return {"version": platform.python_version(), "executable": sys.executable, "libpython_shared": shared}


def speed_probe_ms() -> float:
    """CPU ms of a fixed single-threaded workload (SHA-256 chained 100,000 times), the median of five.

    This VM's speed drifts: on an idle machine the same workload took from 208 to 387 ms within a minute
    (4 December). Reported before and after each scenario, so figures of different runs can be compared.
    """
    times = []
    for _ in range(5):
        started, digest = time.process_time(), b"regulator"
        for _i in range(100_000):
            digest = hashlib.sha256(digest).digest()
        times.append(1000 * (time.process_time() - started))
    return round(sorted(times)[2], 1)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build")
    p_build.add_argument("--url", default=DEFAULT_URL)
    p_build.add_argument("--entities", type=int, default=1_000_000)
    for name in ("run", "faults"):
        p = sub.add_parser(name)
        p.add_argument("--url", default=DEFAULT_URL)
        p.add_argument("--duration", type=float, default=60)
        p.add_argument("--clients", type=int, default=16)
        # production's settings (deploy/gunicorn.conf.py) unless given
        p.add_argument("--workers", type=int, default=PRODUCTION["workers"])
        p.add_argument("--threads", type=int, default=PRODUCTION["threads"])
        p.add_argument("--worker-class", default=PRODUCTION["worker_class"], choices=["sync", "gthread"])
        p.add_argument("--scenarios", nargs="+", default=["profile", "search", "tasks"])
        p.add_argument("--client", default="asyncio", choices=["asyncio", "wrk"],
                       help="the load generator of run: the asyncio client, or wrk (C; bench/wrk_client.py)")
        p.add_argument("--fault-duration", type=float, default=40)
        p.add_argument("--fault-entities", type=int, default=20_000)
        p.add_argument("--worker-fault-here", action="store_true",
                       help="run the worker-kill fault on the throwaway cluster instead of --url")
    p_client = sub.add_parser("client")
    p_client.add_argument("--base", required=True)
    p_client.add_argument("--cookie", default="")
    p_client.add_argument("--scenario", required=True)
    p_client.add_argument("--sample", required=True)
    p_client.add_argument("--duration", type=float, required=True)
    p_client.add_argument("--clients", type=int, default=16)
    p_client.add_argument("--seed", type=int, default=1)
    p_client.add_argument("--engine", default="asyncio", choices=["asyncio", "wrk"])
    args = parser.parse_args()
    if args.command == "client":
        client_main(args)
        return
    logging_setup()
    if args.command == "build":
        print(json.dumps(build(args.url, args.entities), indent=1, default=str))  # noqa: T201
    elif args.command == "run":
        print(json.dumps(run(args), indent=1))  # noqa: T201
    else:
        figures = fault_db_restart(args)
        if not args.worker_fault_here:
            figures["worker_kill"] = fault_worker_kill(args.url, args)
        print(json.dumps(figures, indent=1))  # noqa: T201


def logging_setup() -> None:
    """Progress on stderr."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


if __name__ == "__main__":
    main()
