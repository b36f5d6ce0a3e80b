"""Work in child processes that know nothing of the caller's main script.

A large build spends its time in Python reading YAML and in Oxigraph validating; on a machine with
more than one core, part of it runs in a child process beside the parent's own work. The children
are `python -m graphkit.apart`, not `concurrent.futures`' process pools: those start children by
spawn (or forkserver), which import the caller's main script again, so a script calling
`graphkit.build.build` at its top level without a `__main__` guard would run again in each child
and wait forever on the output folder's lock its parent holds; and fork copies the locks of the
parent's other threads (the review server builds in a server's thread). A child here reads one
pickled call from its stdin, runs it, and pickles the result (or the exception) to its stdout.

Only module-level functions of graphkit are called this way (pickle names them by module and name);
what comes back is unpickled from a child this process started a moment ago with its own code.

    >>> import operator
    >>> call(operator.add, 2, 3).result()
    5
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The child process ended without an answer (killed, or out of memory)."""


class Call(Generic[T]):
    """A function running in a child process; `result()` waits for what it returned (or raises
    what it raised), `cancel()` stops it. A context manager: leaving it cancels what is unfinished.

    `Call(*modules)` starts a child that imports `modules` and waits; `send(function, *args)` gives
    it its call (`call` does both at once). A caller that knows early that it will want a child
    starts it early, and the child's imports (half a second for graphkit's page) are done by then;
    `ahead(function, *args)` has it run a warm-up meanwhile (read what its call will read), whose
    result is dropped and whose failure is ignored: the call does the work again if it must."""

    def __init__(self, *modules: str) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-m", "graphkit.apart", *modules], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._answer: tuple[bytes, bytes] = (b"", b"")
        self._talk: threading.Thread | None = None

    def ahead(self, function: Callable[..., object], *args: Any) -> Call[T]:
        """Have the child run `function(*args)` before its call, as soon as its imports are done."""
        if self._talk is not None or self._child.stdin is None:
            raise RuntimeError("a warm-up goes before the call")
        self._child.stdin.write(pickle.dumps((_AHEAD, function, args), protocol=pickle.HIGHEST_PROTOCOL))
        self._child.stdin.flush()
        return self

    def send(self, function: Callable[..., T], *args: Any) -> Call[T]:
        """Give the child its call (once)."""
        if self._talk is not None:
            raise RuntimeError("a child runs one call")
        payload = pickle.dumps((_CALL, function, args), protocol=pickle.HIGHEST_PROTOCOL)
        # communicate() in a thread: the child's answer is read while the caller works on
        self._talk = threading.Thread(target=self._communicate, args=(payload,), daemon=True)
        self._talk.start()
        return self

    def _communicate(self, payload: bytes) -> None:
        with contextlib.suppress(OSError, ValueError):  # killed by cancel() while talking
            self._answer = self._child.communicate(payload)

    def result(self) -> T:
        if self._talk is None:
            raise RuntimeError("no call was sent to the child")
        self._talk.join()
        out, err = self._answer
        if self._child.returncode != 0 or not out:
            last = (err.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
            raise ChildFailed(f"a worker process ended with status {self._child.returncode}: {last}")
        ok, value = pickle.loads(out)  # written by this module's own child, started by this process
        if not ok:
            raise value
        result: T = value
        return result

    def cancel(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
        if self._talk is not None:
            self._talk.join()
        else:
            self._child.communicate()  # its pipes closed, its status collected

    def __enter__(self) -> Call[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def call(function: Callable[..., T], *args: Any) -> Call[T]:
    """Start `function(*args)` in a child process."""
    return Call[T]().send(function, *args)


def cores() -> int:
    """The cores this process may use: how many workers run at once unless told otherwise."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


#: What a message to a child asks: a warm-up (`Call.ahead`) or the call.
_AHEAD, _CALL = "ahead", "call"


def _serve() -> None:
    """The child: the modules named on its command line imported, then pickled (kind, function,
    args) in, warm-ups run as they come, and for the call one pickled (ok, result or exception) out.

    The cyclic garbage collector is off: a child does one call and exits, and what it makes lives
    until then, as in the build that starts it (graphkit.build.collector_paused). With it on, the
    page's child spent 0.5 s more reading the published build's memos ahead of its call."""
    gc.disable()
    for module in sys.argv[1:]:
        importlib.import_module(module)
    while True:
        try:
            kind, function, args = pickle.load(sys.stdin.buffer)
        except EOFError:  # cancelled before its call was sent
            return
        if kind == _CALL:
            break
        with contextlib.suppress(Exception):  # only a warm-up: the call does its work again
            function(*args)
    try:
        answer = pickle.dumps((True, function(*args)), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # handed to the parent, which raises it
        try:
            answer = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an exception that does not pickle: its text
            answer = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
    os._exit(0)  # the parent waits for the exit: the heap is the OS's to free at once (as graphkit.cli.main)
