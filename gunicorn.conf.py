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
# And a worker that has grown past this many MiB (measured: about 1 MiB kept for each large
# PDF after the first ten, bench/memory.py) finishes its requests and is replaced: memory
# stays bounded whatever the mix of requests. 0: never.
max_rss_mib = int(os.environ.get("GUNICORN_MAX_RSS_MIB", "320"))
timeout = 60


def pre_fork(server, worker):  # noqa: ARG001 (gunicorn's hook signature)
    """Before a worker is forked, what the preloaded app made (modules, mappers, routes,
    templates: some 200 000 objects) is put out of the garbage collector's reach
    (`gc.freeze`): a worker's full collections no longer walk it, and the memory it lives in
    stays shared with the master instead of being copied by the collector's bookkeeping.
    Measured: a worker serving the finance overview spent about 1 ms a request in full
    collections (three of about 100 ms in 300 requests), 0.005 ms after."""
    import gc

    gc.freeze()


def post_fork(server, worker):  # noqa: ARG001 (gunicorn's hook signature)
    """A forked worker opens its own database connections: none made before the fork (by
    the preloaded app) is shared with the parent or a sibling. (Only when it is the registry
    that is served: bench/floor.py is served with this file too.)"""
    import sys

    registry = getattr(sys.modules.get("app"), "app", None)
    if registry is not None and "db_engine" in getattr(registry, "extensions", {}):
        from consortium import db

        db.engine_of(registry).dispose(close=False)


def post_request(worker, req, environ, resp):  # noqa: ARG001 (gunicorn's hook signature)
    """Replace a worker that has grown past `max_rss_mib` once its requests are done."""
    import resource

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if max_rss_mib and worker.alive and peak_mib > max_rss_mib:
        worker.log.info("Worker at %.0f MiB (over %s): replaced after its requests",
                        peak_mib, max_rss_mib)
        worker.alive = False
