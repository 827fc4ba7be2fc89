"""Where the CPU of one load request goes: the three load scenarios served in-process, profiled.

    python -m bench.load_profile --url postgresql+psycopg://postgres@127.0.0.1:5432/load2_100k -n 200
    python -m bench.load_profile --url ... --scenario profile --cprofile 30   # top 30 functions by own time

Uses a database built by ``bench/load.py build`` (its sample file and accounts). The application is built
as gunicorn builds it (production config, JSON logs, here to /dev/null) and requests go through the Flask
test client, signed in through the login form. For each scenario: statements per request, Python CPU ms
per request (this process) and PostgreSQL CPU ms per request (the backend of the pooled connection, from
/proc), over ``-n`` requests after a warm-up.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    DEFAULT_URL,
    PASSWORD,
    USER_AGENT,
    _paths,
    _sample_file,
    app_environment,
    cpu_seconds,
    ensure_inspector_tasks,
)


def production_environment(url: str) -> None:
    """The environment bench/load.py gives gunicorn (set before regulator.config is imported)."""
    os.environ.update(REGULATOR_ENV="production", **app_environment(url, pool_size=1))


def production_app():  # noqa: ANN201 - a Flask app
    """The app as wsgi.py builds it under gunicorn, logs to /dev/null."""
    from regulator import create_app

    app = create_app()
    import logging

    sink = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process
    sink.setFormatter(logging.getLogger().handlers[0].formatter)
    for f in logging.getLogger().handlers[0].filters:
        sink.addFilter(f)
    logging.getLogger().handlers[:] = [sink]
    return app


def login(app, username: str):  # noqa: ANN001, ANN201
    """A test client signed in through the login form (CSRF token included)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {username} failed: {response.status_code}")
    return client


def backend_pids(app) -> list[int]:  # noqa: ANN001
    """The PostgreSQL backends of this process's pool."""
    from sqlalchemy import text

    from regulator.extensions import db

    with app.app_context():
        return [db.session.scalar(text("SELECT pg_backend_pid()"))]


def measure(app, client, scenario: str, sample: dict, n: int, profile_top: int) -> dict:  # noqa: ANN001
    """Statements, Python CPU and PostgreSQL CPU per request over ``n`` requests (after 20 of warm-up)."""
    from sqlalchemy import event

    from regulator.extensions import db

    rng = random.Random(11)
    for _ in range(20):
        assert client.get(_paths(scenario, sample, rng)).status_code == 200  # noqa: S101
    statements = []
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:  # noqa: ANN002
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    pids = backend_pids(app)
    profiler = cProfile.Profile(time.process_time) if profile_top else None
    pg0, py0, wall0 = cpu_seconds(pids), time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for _ in range(n):
        response = client.get(_paths(scenario, sample, rng))
        if response.status_code != 200:
            raise RuntimeError(f"{scenario}: HTTP {response.status_code}")
    if profiler:
        profiler.disable()
    py, pg, wall = time.process_time() - py0, cpu_seconds(pids) - pg0, time.perf_counter() - wall0
    event.remove(engine, "before_cursor_execute", count)
    result = {"scenario": scenario, "requests": n, "statements_per_request": round(len(statements) / n, 2),
              "python_cpu_ms": round(1000 * py / n, 2), "postgres_cpu_ms": round(1000 * pg / n, 2),
              "wall_ms": round(1000 * wall / n, 2)}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(profile_top)
        out.write("\n")
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile_top * 2)
        result["profile"] = out.getvalue()
    return result


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--scenario", nargs="+", default=["profile", "search", "tasks"])
    parser.add_argument("--cprofile", type=int, default=0, help="print the top N functions (cProfile)")
    args = parser.parse_args()
    sample = {**json.loads(_sample_file(args.url).read_text()), "tasks_path": "/inspector/"}
    production_environment(args.url)
    if "tasks" in args.scenario:
        ensure_inspector_tasks(args.url)
    app = production_app()
    clients = {"coordinator": login(app, "bench.coord"), "inspector": login(app, "bench.insp")}
    for scenario in args.scenario:
        client = clients["inspector" if scenario == "tasks" else "coordinator"]
        result = measure(app, client, scenario, sample, args.n, args.cprofile)
        profile = result.pop("profile", None)
        print(json.dumps(result), flush=True)  # noqa: T201
        if profile:
            print(profile)  # noqa: T201


if __name__ == "__main__":
    main()
