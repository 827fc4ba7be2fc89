"""Production serving: gunicorn with deploy/gunicorn.conf.py and wsgi.py on a migrated database.

Starts the real server on a free port (production config: secrets from the environment, JSON logs),
checks liveness, readiness, a page and the API, finds a JSON log line carrying the request id, kills a
worker in the middle of the run and checks the service answers again, then stops it cleanly.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - our own local server
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if _get(base + "/api/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within a minute:\n{log.read_text()[-3000:]}")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@pytest.fixture
def served(tmp_path: Path, sqlite_template: Path):  # noqa: ANN201
    """gunicorn serving a migrated SQLite copy; yields (base URL, log file, master pid)."""
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[serve]')")
    db = tmp_path / "served.db"
    shutil.copyfile(sqlite_template, db)
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "s" * 40, "PII_HASH_KEY": "p" * 40,
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2",
           "LOG_FORMAT": "json", "PYTHONPATH": str(ROOT)}
    env.pop("REGULATOR_ENV", None)
    with log.open("wb") as sink:
        server = subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],  # noqa: S603
                                  cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server, log)
        yield base, log, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, log.read_text()[-3000:]


def test_gunicorn_serves_health_ready_pages_and_json_logs(served) -> None:  # noqa: ANN001
    """Liveness, readiness at the schema head, a public page and the API; each request logged as JSON."""
    base, log, _master = served
    status, _headers, body = _get(base + "/api/v1/ready")
    ready = json.loads(body)
    assert status == 200 and ready["status"] == "ready" and ready["database"] == "sqlite"
    status, headers, body = _get(base + "/", {"X-Request-ID": "deploy-check-0001", "Accept-Language": "en"})
    assert status == 200 and b"<html" in body.lower()
    assert headers["X-Request-ID"] == "deploy-check-0001"
    status, _headers, body = _get(base + "/api/v1/public/entities?q=test")
    assert status == 200 and json.loads(body)["total"] == 0
    assert _get(base + "/api/v1/me")[0] == 401
    lines = []
    for _ in range(50):
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        if any(entry.get("request_id") == "deploy-check-0001" for entry in lines):
            break
        time.sleep(0.1)
    access = [e for e in lines if e.get("request_id") == "deploy-check-0001"]
    assert access and access[0]["status"] == 200 and access[0]["method"] == "GET" and "duration_ms" in access[0]
    assert all(entry.get("request_id") for entry in lines if entry.get("name") == "regulator.access")


def test_killed_worker_is_replaced_and_service_recovers(served) -> None:  # noqa: ANN001
    """SIGKILL one worker: the master starts another and every later request succeeds."""
    base, _log, master = served
    for _ in range(600):  # with preload_app the first worker answers while the master still forks the second
        before = _workers(master)
        if len(before) == 2:
            break
        time.sleep(0.1)
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    for _ in range(600):
        after = _workers(master)
        if len(after) == 2 and before[0] not in after:
            break
        time.sleep(0.1)
    assert len(after) == 2 and before[0] not in after
    assert [_get(base + "/api/v1/health")[0] for _ in range(20)] == [200] * 20
