"""The endpoint's limits unless it is configured otherwise: the command line's defaults, read without
importing the server (Starlette, uvicorn) that every other command does without."""

from __future__ import annotations

DEFAULT_PORT = 8000
#: Seconds a query may run before it is stopped.
DEFAULT_TIMEOUT = 10.0
#: Limits a job runs under.
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_MEMORY_MB = 4096
DEFAULT_MAX_RESPONSE_MB = 32

__all__ = ["DEFAULT_MAX_MEMORY_MB", "DEFAULT_MAX_RESPONSE_MB", "DEFAULT_MAX_ROWS", "DEFAULT_PORT", "DEFAULT_TIMEOUT"]
