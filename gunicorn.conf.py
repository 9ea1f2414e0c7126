"""gunicorn's settings for the registry (`gunicorn app:app` reads this file from the working
directory). Figures behind them: README, "Production with PostgreSQL and gunicorn"."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core, each with a few threads: a page that waits for PostgreSQL (or a
# live count that waits for a ballot's commit) leaves the other threads serving.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Load the app once, before forking: a worker starts without importing or building anything.
preload_app = True
# A worker that has rendered many large PDFs (WeasyPrint keeps some memory) is replaced after
# a while; the jitter keeps the workers from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100
timeout = 60


def post_fork(server, worker):  # noqa: ARG001 (gunicorn's hook signature)
    """A forked worker opens its own database connections: none made before the fork (by
    the preloaded app) is shared with the parent or a sibling. (Only when it is the registry
    that is served: bench/floor.py is served with this file too.)"""
    import sys

    registry = getattr(sys.modules.get("app"), "app", None)
    if registry is not None and "db_engine" in getattr(registry, "extensions", {}):
        from consortium import db

        db.engine_of(registry).dispose(close=False)
