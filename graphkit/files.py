"""Writing output files atomically: readers see the old content or the new, never half of it; and
telling one version of a file from another."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def atomic_write(path: Path | str, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to a temp file beside `path`, flush it to disk, rename it into place.

    A replaced file keeps its permissions; a new one gets the usual ones (0666 less the umask), not
    the private 0600 of mkstemp, since pages, exports and data files are meant to be shared.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def version(path: Path) -> tuple[int, int, int]:
    """A file's version: its inode, modification time and size. A file graphkit writes once and never
    changes (a record, a memo) keeps it while it lives; what replaces it has another."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, status.st_size
