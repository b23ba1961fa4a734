"""`--log FILE` / `PHTUI_LOG`: what phtui said to PostHog, with timestamps, in a private file.

The client logs to the `phtui.api` logger (requests, statuses, timings, retries and waits;
paths with query parameter names, not their values). httpx's own request lines are left out:
they repeat the client's and carry full URLs, search terms included. Nothing logs a header or a
body; the file is created 0600 all the same, and a filter masks anything shaped like a personal API
key, should a message ever carry one. Without the option nothing is set up, so logging costs
nothing at startup.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from phtui.cli.options import CliError

__all__ = ["LOG_ENV", "KeyMask", "start_logging"]

LOG_ENV = "PHTUI_LOG"
FORMAT = "%(asctime)s.%(msecs)03d %(levelname)s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
# Loggers written to the file, and from which level.
LEVELS = {"phtui": logging.DEBUG}
# PostHog personal API keys (phx_...), and the value after an Authorization or Bearer word.
_KEY = re.compile(r"\bphx_[A-Za-z0-9_-]+")
_HEADER = re.compile(r"(?i)\b(authorization[\"':= ]+(?:bearer\s+)?|bearer\s+)[^\s\"',]+")


class KeyMask(logging.Filter):
    """Replace anything shaped like a key in a record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _HEADER.sub(r"\1<hidden>", _KEY.sub("phx_<hidden>", message))
        if masked != message:
            record.msg, record.args = masked, None
        return True


class PrivateFileHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Appends to `path`, created with mode 0600 (and tightened to 0600 if it existed)."""

    def __init__(self, path: Path) -> None:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(descriptor, 0o600)
        super().__init__(os.fdopen(descriptor, "a", encoding="utf-8", buffering=1))

    def close(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            try:
                self.flush()
                self.stream.close()
            finally:
                super().close()


def start_logging(path: str | Path) -> logging.Handler:
    """Write phtui's and httpx's records to `path`; `CliError` when it cannot be opened."""
    target = Path(path).expanduser()
    try:
        handler = PrivateFileHandler(target)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CliError(f"cannot write the log file {target}: {reason}") from None
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    handler.addFilter(KeyMask())
    for name, level in LEVELS.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.addHandler(handler)
    logging.getLogger("phtui").info("log started (pid %d)", os.getpid())
    return handler


def stop_logging(handler: logging.Handler) -> None:
    """Detach and close `handler` (tests; the process exit closes it otherwise)."""
    for name in LEVELS:
        logging.getLogger(name).removeHandler(handler)
    handler.close()
