"""Staff pages on a large database: every page without a parameter, timed per role (Flask test client).

    python bench/ingest.py --records 1000000 --keep          # prints where it kept bench.db
    python bench/staff_pages.py --database-url sqlite:////tmp/bench-ingest-XXXX/bench.db

Adds an administrator, a coordinator and an inspector of ``--agency`` (once; later runs reuse them),
then requests each GET page of the app that takes no parameter (downloads and the API left out) as each
of them: the home pages, queues and lists that a person opens first. Prints, per role and page, the
status and the best and first of ``--repeat`` times in milliseconds, slowest first.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import MarketEntity, Role, User  # noqa: E402
from regulator import create_app  # noqa: E402
from regulator.config import TestingConfig  # noqa: E402
from regulator.extensions import db  # noqa: E402
from regulator.services import users as user_service  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105 - throwaway benchmark accounts
SKIPPED = ("/static/", "/api/", "/auth/logout", ".csv", ".xlsx", ".zip", ".ics", ".pdf", ".json")


def _app(url: str):  # noqa: ANN202
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    cfg.update(SQLALCHEMY_DATABASE_URI=url, TESTING=False, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    return create_app(cfg)


def _accounts(agency: str) -> dict[str, str]:
    wanted = {"bench-admin": (Role.ADMIN, None), "bench-coordinator": (Role.COORDINATOR, agency),
              "bench-inspector": (Role.INSPECTOR, agency)}
    for username, (role, code) in wanted.items():
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            user_service.create_user(username, PASSWORD, role, agency_code=code)
    db.session.commit()
    return {role.value: username for username, (role, _code) in wanted.items()}


def _pages(app) -> list[str]:  # noqa: ANN001
    paths = {rule.rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and not any(s in rule.rule for s in SKIPPED)}
    return sorted(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--agency", default="SAMR", help="the coordinator's and inspector's agency")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    app = _app(args.database_url)
    with app.app_context():
        entities = db.session.scalar(select(func.count(MarketEntity.id)))
        accounts = _accounts(args.agency)
        pages = _pages(app)
    print(f"{entities} entities; {len(pages)} pages; best and first of {args.repeat} requests (ms)")
    for role, username in accounts.items():
        client = app.test_client()
        if client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code != 302:
            raise SystemExit(f"cannot sign in as {username}")
        rows = []
        for path in pages:
            times, status = [], None
            for _ in range(args.repeat):
                started = time.perf_counter()
                status = client.get(path).status_code
                times.append((time.perf_counter() - started) * 1000)
            if status == 200:
                rows.append((min(times), times[0], path))
        for best, first, path in sorted(rows, reverse=True):
            print(f"{role:12} {best:8.1f} {first:8.1f}  {path}")
        print(f"{role:12} slowest best {max((r[0] for r in rows), default=0.0):.1f} ms over {len(rows)} pages")


if __name__ == "__main__":
    main()
