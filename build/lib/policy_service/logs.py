"""Logging for commands and server processes: one stderr handler on the root logger.

`configure_logging(level)` is called by the CLI (from ``--log-level`` or
Settings.log_level) and by the WSGI entry point; gunicorn workers inherit it. Modules
only ever call ``logging.getLogger(__name__)``.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_policy_service_handler"


def _not_alembic_chatter(record: logging.LogRecord) -> bool:
    """Drop alembic's two lines of setup on every command; keep its "Running upgrade"."""
    return not (record.name == "alembic.runtime.migration"
                and str(record.msg).startswith(("Context impl", "Will assume")))


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(level: str = "INFO", *, only_if_unconfigured: bool = False) -> None:
    """Send records at ``level`` and above to stderr; calling it again replaces the handler.

    ``only_if_unconfigured`` leaves a root logger that already has handlers alone (a
    host such as gunicorn with its own logging config, or a test harness).
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, _MARK, False)]
    if only_if_unconfigured and len(root.handlers) > len(ours):
        return
    for handler in ours:
        root.removeHandler(handler)
    handler = StderrHandler()
    setattr(handler, _MARK, True)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_not_alembic_chatter)
    root.addHandler(handler)
    root.setLevel(level.upper())
