"""`policy-service serve`: migrate and seed, then run gunicorn with several workers."""

from __future__ import annotations

import os
import shutil
from typing import Any

from gunicorn.app.base import BaseApplication


class PolicyServer(BaseApplication):
    """gunicorn embedded: each worker builds its own app, engine and connection pool."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from policy_service.wsgi import app

        return app


def prepare_metrics_dir(instance_path: str) -> None:
    """Workers share counters through files (prometheus_client multiprocess mode)."""
    directory = os.path.join(instance_path, "prometheus")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)
    # Written, not read: prometheus_client in each worker and Settings.from_env find it here.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory


def _child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def serve(host: str, port: int, workers: int, threads: int, *, log_level: str = "INFO",
          access_log: str | None = None) -> None:
    """Run gunicorn in the foreground.

    Its own log goes to stderr at ``log_level``; requests are logged to ``access_log``
    (a file, or '-' for stderr) when it is given.
    """
    PolicyServer({
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "accesslog": access_log,
        "errorlog": "-",
        "loglevel": log_level.lower(),
        "timeout": 60,
        "graceful_timeout": 5,
        "child_exit": _child_exit,
    }).run()
