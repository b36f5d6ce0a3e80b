"""Publishing a build, and writing a set of data files, so that a kill at any moment leaves a complete state.

An output folder holds whole builds side by side and one pointer to the current one:

    out/.builds/<id>/      graph.nq, graph.ttl, validation.ttl, store/, index.html (one complete build)
    out/current  ->  .builds/<id>
    out/graph.nq  ->  current/graph.nq   (and so on for every output: fixed links through `current`)

A build is staged in a new `.builds/<id>/` and published by replacing the `current` link in one
rename, the only atomic switch a file system offers for a whole set of files: every path under out/
then names the old build or the new one, never a mix. The previous build is kept (a running
`graphkit serve` may still read its store); older and half-written ones are removed by the next run
(beside its own work, `retire`), which also finishes whatever a killed run left undone. A lock file
serialises builds of one folder.

Data files are written together through a journal: the new contents are staged in
`data/.journal.tmp-*`, committed by renaming that folder to `data/.journal`, then copied into place;
a run that finds a committed journal finishes it (the copies are idempotent), one that finds an
uncommitted one throws it away. So data/ holds the old set of files or the new one.

Hand-written because no library does this: the pieces are the standard library's os.replace,
os.symlink and fcntl.flock.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from graphkit.files import atomic_write

BUILDS = ".builds"
CURRENT = "current"
LOCK = ".lock"
COMPLETE = ".complete"
JOURNAL = ".journal"
#: Environment variable naming a step at which to die with SIGKILL (crash-safety tests only).
CRASH_ENV = "GRAPHKIT_TEST_CRASH_AT"


def crash_point(step: str) -> None:
    """Die here, as `kill -9` would, when a test asks for this step; otherwise nothing."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


# --- builds ----------------------------------------------------------------------------------------


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold a folder's lock: out/'s (one build at a time), a staging folder's (`staging_folder`); the
    folder is made if missing."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK).open("a") as handle:  # closing it releases the lock
        _lock(handle, blocking=True)  # Windows has none: builds of one folder must not overlap there
        yield


def new_build(out_dir: Path) -> Path:
    """A new, empty build folder under out/.builds/ (call with the lock held)."""
    repair(out_dir)
    name = time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)
    directory = out_dir / BUILDS / name
    directory.mkdir(parents=True)
    return directory


def retire(out_dir: Path, staging: Path) -> None:
    """Remove the builds that publishing `staging` would leave stale: all but the published one and
    `staging`. A build runs this beside its own work (at a million quads, removing a build that
    shares no files with the next took 1.5 s of the edit after a full build); if it then fails, the
    published build is still there."""
    current = current_build(out_dir)
    for build in (out_dir / BUILDS).iterdir():
        if build.is_dir() and build != staging and (current is None or build.name != current.name):
            _remove_build(build)


def _remove_build(build: Path) -> None:
    """Remove a build folder, its .complete first: a build killed half-removed is never taken for whole."""
    (build / COMPLETE).unlink(missing_ok=True)
    shutil.rmtree(build, ignore_errors=True)


def current_build(out_dir: Path) -> Path | None:
    """The folder of the published build, or None."""
    link = out_dir / CURRENT
    return out_dir / os.readlink(link) if link.is_symlink() else None


def published_beside(build: Path) -> Path | None:
    """The published build of the output folder that `build` (a folder of `new_build`) is staged in,
    or None: what a build's views may carry their caches over from."""
    return current_build(build.parent.parent) if build.parent.name == BUILDS else None


def publish(out_dir: Path, build: Path) -> list[Path]:
    """Make `build` the current build in one rename; returns the paths under out/ that now show it."""
    _adopt_legacy(out_dir)
    (build / COMPLETE).touch()
    _fsync_tree(build)
    crash_point("publish:staged")
    _point(out_dir / CURRENT, f"{BUILDS}/{build.name}")
    crash_point("publish:switched")
    names = sorted(p.name for p in build.iterdir() if not p.name.startswith("."))
    for name in names:
        _point(out_dir / name, f"{CURRENT}/{name}")
    crash_point("publish:linked")
    repair(out_dir)
    crash_point("publish:cleaned")
    return [out_dir / name for name in names]


def repair(out_dir: Path) -> None:
    """Finish what a killed run left: links for every output of the current build, no dangling links,
    no half-written or stale builds (the current and the newest complete other one are kept)."""
    if not out_dir.is_dir():
        return
    for tmp in out_dir.glob(".*.link-*"):
        tmp.unlink(missing_ok=True)
    shutil.rmtree(out_dir / ".store.old", ignore_errors=True)  # left by builds before .builds/ existed
    for stale in out_dir.parent.glob(f".{out_dir.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    current = current_build(out_dir)
    if current is None:
        return
    for item in current.iterdir():
        link = out_dir / item.name
        if not item.name.startswith(".") and not link.is_symlink() and not link.exists():
            _point(link, f"{CURRENT}/{item.name}")
    for link in out_dir.iterdir():
        if link.is_symlink() and os.readlink(link).startswith(f"{CURRENT}/") and not link.exists():
            link.unlink()
    builds = sorted((p for p in (out_dir / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.name)
    complete = [p for p in builds if (p / COMPLETE).exists() and p.name != current.name]
    keep = {current.name, *(p.name for p in complete[-1:])}
    for build in builds:
        if build.name not in keep:
            _remove_build(build)


def _adopt_legacy(out_dir: Path) -> None:
    """Turn an out/ written before .builds/ existed (real files and store/) into a build of its own.

    The files move into `.builds/legacy-*` one rename each while `current` already points there, so
    every path shows the old build throughout (an entry is missing only between its two renames).
    """
    legacy = [p for p in out_dir.iterdir() if p.name in LEGACY_OUTPUTS and not p.is_symlink()]
    if not legacy:
        return
    build = current_build(out_dir)
    if build is not None and not build.name.startswith("legacy-"):
        build = out_dir / BUILDS / f"stray-{secrets.token_hex(4)}"  # not ours to show: moved aside, then removed
        build.mkdir(parents=True)
    elif build is None:  # (a build whose adoption was killed half-way goes on where it stopped)
        build = out_dir / BUILDS / f"legacy-{secrets.token_hex(4)}"
        build.mkdir(parents=True)
        (build / COMPLETE).touch()
        _point(out_dir / CURRENT, f"{BUILDS}/{build.name}")
        crash_point("adopt:pointed")
    for item in legacy:
        os.replace(item, build / item.name)
        crash_point(f"adopt:moved-{item.name}")
        _point(item, f"{CURRENT}/{item.name}")


LEGACY_OUTPUTS = frozenset({"graph.nq", "graph.ttl", "validation.ttl", "index.html", "store"})


def _point(link: Path, target: str) -> None:
    """Make `link` a symbolic link to `target`, replacing what is there in one rename."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    tmp = link.parent / f".{link.name}.link-{secrets.token_hex(4)}"
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _fsync_tree(root: Path) -> None:
    """Flush a staged build's files to disk before it is published, so a crash cannot publish holes.

    A file with more than one link is a published build's, hard-linked into this one (an unchanged
    chunk, record or store file), and was flushed when that build was published: only the folders
    that now name it are (15,000 needless flushes at 5,000 sources). Where there are many to flush
    and Linux's syncfs(2) is at hand, one call flushes the whole file system instead (a full build
    at 5,000 sources writes 10,000 chunks: 1.5 s of single flushes)."""
    paths = _to_flush(root)
    if len(paths) > MANY_FLUSHES and _syncfs(root):
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


#: Above this many files and folders to flush, one syncfs(2) of their file system is cheaper.
MANY_FLUSHES = 256


def _to_flush(root: Path) -> list[str]:
    """The folders under `root` (itself too) and the files only they name (one link), by os.walk:
    pathlib's rglob made an object of each of a build's 15,000 entries (0.19 -> 0.06 s)."""
    found = [str(root)]
    for folder, folders, files in os.walk(root):
        found += [os.path.join(folder, name) for name in folders]
        for name in files:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):  # gone meanwhile: nothing to flush
                if os.lstat(path).st_nlink == 1:
                    found.append(path)
    return found


def _syncfs(root: Path) -> bool:
    """Flush the file system holding `root` (Linux), reporting whether it was done."""
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return bool(syncfs(fd) == 0)
    finally:
        os.close(fd)


# --- data files written together -------------------------------------------------------------------


def write_together(root: Path, writes: Sequence[tuple[Path, str]]) -> None:
    """Write several files under `root` so that all of them change or none does (see the module doc)."""
    if not writes:
        return
    recover(root)
    staging = root / f"{JOURNAL}.tmp-{secrets.token_hex(4)}"
    staging.mkdir(parents=True)
    entries = []
    for number, (path, text) in enumerate(writes):
        payload = staging / f"{number:05d}"
        payload.write_text(text, encoding="utf-8")
        entries.append({"path": str(Path(path).resolve().relative_to(root.resolve())), "payload": payload.name})
    (staging / "manifest.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    _fsync_tree(staging)
    crash_point("journal:written")
    os.replace(staging, root / JOURNAL)  # the commit
    crash_point("journal:committed")
    _apply(root)


def recover(root: Path) -> None:
    """Finish a committed journal left by a killed run, and drop an uncommitted one and the staged
    copies of data/ no live run holds (`staging_folder`)."""
    for stale in root.glob(f"{JOURNAL}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for staged in root.glob(f"{STAGING}-*"):
        if _unheld(staged / LOCK):
            shutil.rmtree(staged, ignore_errors=True)
    if (root / JOURNAL).is_dir():
        _apply(root)


#: The prefix of the folders inside data/ that hold a changed copy of it while it is checked and built.
STAGING = ".staging"


@contextmanager
def staging_folder(root: Path) -> Iterator[Path]:
    """A new folder inside `root` (data/) to stage a changed copy of it in, removed after: on data/'s
    own file system, so the copy's files are links to data/'s, and hidden, so no reader of data/
    looks at it. It is locked while in use; one left by a killed run is removed by the next `recover`
    (every read of data/), where a folder in the system's temp dir was left there for good."""
    folder = root / f"{STAGING}-{secrets.token_hex(4)}"
    folder.mkdir()
    try:
        with locked(folder):
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unheld(lock: Path) -> bool:
    """Whether no live process holds `lock` (a missing one is held by nobody). Without advisory locks
    (Windows) a lock counts as held: a folder is then left rather than pulled from under a run."""
    try:
        handle = lock.open("a")
    except FileNotFoundError:
        return True
    except OSError:
        return False
    with handle:
        return _lock(handle, blocking=False)


def _lock(handle: IO[str], blocking: bool) -> bool:
    """Take an exclusive advisory lock on an open file (released when it is closed); False when
    another process holds it (`blocking=False`) or the platform has none."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def _apply(root: Path) -> None:
    journal = root / JOURNAL
    entries = json.loads((journal / "manifest.json").read_text(encoding="utf-8"))
    for number, entry in enumerate(entries):
        atomic_write(root / entry["path"], (journal / entry["payload"]).read_bytes())
        if number == 0:
            crash_point("journal:applied-one")
    crash_point("journal:applied")
    shutil.rmtree(journal)


__all__ = [
    "crash_point", "current_build", "locked", "new_build", "publish", "recover", "repair", "staging_folder",
    "write_together",
]
