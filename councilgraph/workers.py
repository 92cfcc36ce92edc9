"""`councilgraph serve` with several processes (setting ``workers``): gunicorn's threaded workers.

One waitress process runs Python on one core at a time (the GIL); on two cores, two gunicorn
worker processes answered uncached entity pages 2.9× and inspector questions 1.8× as fast at 16
connections (docs/benchmarks.md, "One server process against two"). Each worker builds its own app after the fork, so no store,
index, thread or SPARQL worker is shared across processes.
"""
from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from councilgraph.settings import worker_count


class WorkerServer(BaseApplication):
    """gunicorn, configured from councilgraph's settings rather than its own command line."""

    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        for name, value in {
            "bind": f"{s['host']}:{s['port']}", "workers": worker_count(s), "threads": s["threads"],
            "worker_class": "gthread", "proc_name": "councilgraph",
            # A request runs at most sparql_timeout in a SPARQL worker; gthread workers keep
            # sending heartbeats while their threads answer, so this only catches a hung process.
            "timeout": max(60, int(float(s["sparql_timeout"]) * 4)), "graceful_timeout": 10,
            "keepalive": 5, "accesslog": None, "errorlog": "-", "loglevel": "warning",
        }.items():
            self.cfg.set(name, value)

    def load(self):
        """The app, built in each worker after the fork, with its data opened before the first request."""
        from server import create_app

        app = create_app(self.settings)
        with app.app_context():
            app.extensions["councilgraph"].current()
        return app


def serve_workers(settings: dict[str, Any]) -> None:
    """Serve until stopped (SIGTERM or SIGINT stops the workers, then the master)."""
    WorkerServer(settings).run()
