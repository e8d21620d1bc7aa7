"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Meant to run behind nginx (docs/deploy.md): nginx holds the slow tablet connections, serves
the static files and compresses; gunicorn's sync workers only ever talk to nginx on the same
machine. Every value can be changed with an environment variable, e.g. GUNICORN_WORKERS=3.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker

WORKER_BOOT_ERROR = 3  # gunicorn's exit code for "this worker can never start": the master stops

# Where nginx finds the app. One machine: this address; a second app server listens on its
# own private address, e.g. GUNICORN_BIND=10.0.0.12:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers: a request's work is about a millisecond of Python and SQL, and nginx in front
# buffers slow clients, so one process per request at a time is the simplest and fastest.
# One per core (at least two): with PostgreSQL on the same machine the cores are the limit,
# and more workers only take turns on them. On 2 cores (the benchmark's data, wrk): two workers
# served 20-35 % more lesson pages, home pages and "Done"s than four, with a lower p99. With
# the database on another machine a worker waits more: try GUNICORN_WORKERS at twice the cores.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, os.cpu_count() or 1)))
worker_class = "sync"

# Load the app once in the master and fork the workers from it: the course library is parsed
# once, the workers share that memory, and a restarted worker is ready at once.
preload_app = True

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# The heartbeat file on a RAM disk: a busy or slow disk never makes a worker look hung.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The app writes one line per request itself (with its request id), so no access log here.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# nginx on this machine may say which scheme and client it saw (TRUSTED_PROXIES in the app).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Several gunicorn instances may run on one machine (two app servers, benchmarks): no
# shared control socket in the home directory.
control_socket_disable = True


def _flask_app(holder: Any) -> Any:
    """The Flask app a gunicorn application (or worker) has loaded, if it has."""
    wsgi = getattr(holder, "callable", None) or getattr(holder, "wsgi", None)
    return getattr(wsgi, "flask_app", wsgi)


def _refuse_unshared_throttle(app: Any, workers: int) -> None:
    config = getattr(app, "config", None)
    if config is not None and "RATELIMIT_STORAGE_URL" in config:
        from learnapp.auth.throttle import refuse_unshared_store

        refuse_unshared_store(config["RATELIMIT_STORAGE_URL"], workers)


def on_starting(server: Any) -> None:
    """With the app preloaded, check its settings before any worker starts."""
    _refuse_unshared_throttle(_flask_app(server.app), server.cfg.workers)


def _refuse_in_worker(worker: Worker) -> None:
    """Without preloading, each worker checks; exit code 3 makes gunicorn stop, not respawn."""
    try:
        _refuse_unshared_throttle(_flask_app(worker), worker.cfg.workers)
    except RuntimeError as error:
        worker.log.error("%s", error)
        sys.exit(WORKER_BOOT_ERROR)


def post_fork(server: Arbiter, worker: Worker) -> None:
    """A worker must not reuse database connections opened by the master before the fork."""
    app = _flask_app(server.app)
    database = getattr(app, "extensions", {}).get("learnapp_db")
    if database is not None:
        database.engine.dispose(close=False)


# How often a worker looks whether its master is still there.
MASTER_CHECK_SECONDS = 1.0


def post_worker_init(worker: Worker) -> None:
    """Check the settings (see _refuse_in_worker), then watch the master."""
    _refuse_in_worker(worker)
    _watch_master(worker)


def _watch_master(worker: Worker) -> None:
    """A worker whose master died (SIGKILL, out of memory) stops within about a second.

    gunicorn's sync worker notices a new parent only between requests or when its wait for
    one ends (half the timeout: 15 s), and until then it serves unsupervised and holds the
    port, so a new master cannot bind it. Under systemd (docs/deploy/digitandem.service) the
    whole group is stopped and restarted anyway; this covers gunicorn started by hand. The
    worker finishes the request it is serving, then leaves.
    """
    master = os.getppid()

    def watch() -> None:
        while os.getppid() == master:
            time.sleep(MASTER_CHECK_SECONDS)
        worker.log.warning("master %s is gone: worker %s stops", master, os.getpid())
        worker.alive = False
        os.write(worker.PIPE[1], b".")  # wake the worker from its wait for a request

    threading.Thread(target=watch, name="master-watch", daemon=True).start()
