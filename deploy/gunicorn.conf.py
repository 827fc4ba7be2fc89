"""Gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_*); the app's own settings
(DATABASE_URL, SECRET_KEY, PII_HASH_KEY, DB_POOL_SIZE ...) are read by regulator/config.py.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one more than the cores: the app is CPU-bound (templates, ranking) and waits on the
# database only briefly. Each worker takes the next connection from the shared listen queue when it is
# free, so requests are served in arrival order. With threads (gthread) a worker's requests share one
# interpreter lock and a connection stays with the worker that first accepted it: at 1M entities under
# 16 clients the same throughput came with p95 181 ms instead of 118 (docs/benchmarks.md). Sync workers
# do not keep connections alive; the reverse proxy in front (docs/deploy.md) keeps its clients' open.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # used by GUNICORN_WORKER_CLASS=gthread only
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Import the application once in the master and fork the workers from it: a replaced worker (max_requests,
# a crash) is serving again at once instead of spending seconds of CPU importing it under load.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Regulator logs each request itself as JSON with its request id (regulator/observability.py).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# PostgreSQL settings of the web workers' connections (regulator/config.py). A web request's statements are
# short and many run at once: a parallel plan's worker processes cost more CPU than they save (search at 1M
# entities under 16 clients: 40 % more requests/s without them, docs/benchmarks.md). Commands run outside
# gunicorn (imports, scoring) keep the server's defaults.
raw_env = ["REGULATOR_ENV=production",
           "DB_SESSION_SETTINGS=" + os.environ.get("DB_SESSION_SETTINGS", "max_parallel_workers_per_gather=0")]


def post_fork(server, worker):  # noqa: ANN001, ANN201, ARG001 - gunicorn's hook signature
    """A forked worker must not share the master's database connections: it starts an empty pool."""
    if not server.cfg.preload_app:
        return
    from regulator.extensions import db

    with server.app.wsgi().app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
