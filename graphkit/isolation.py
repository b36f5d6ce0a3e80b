"""Cutting a query worker off from the network and capping its memory: defence in depth for `graphkit serve`.

The query guard (graphkit.store.guard) refuses SERVICE and LOAD on rdflib's parse. The engines parse
again, with their own parsers; should one ever read a text differently, a worker that has no network
still cannot fetch anything. On Linux the worker enters a network namespace of its own, which has no
interface but a loopback that is down: every connect fails, in Python and in Oxigraph's Rust HTTP
client alike. Where that is not allowed (another OS, a container without the capability and without
user namespaces), Python's own sockets are blocked instead, which covers rdflib, and the server says so.

Hand-written because it is a few system calls: `os.unshare` only arrives in Python 3.12, and no
library wraps it for 3.11; `resource.setrlimit` is the standard library's.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys
from typing import Any

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def cut_network() -> str:
    """Cut this process off from the network; returns how: "namespace", "sockets" or "" (not at all).

    Call it first thing in a fresh process: a user namespace can only be entered while single-threaded.
    """
    if sys.platform.startswith("linux"):
        for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
            if _unshare(flags):
                return "namespace"
    _block_sockets()
    return "sockets"


def _unshare(flags: int) -> bool:
    unshare = getattr(os, "unshare", None)
    try:
        if unshare is not None:
            unshare(flags)
            return True
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(flags) == 0
    except (OSError, AttributeError):
        return False


def _block_sockets() -> None:
    """Refuse every connection but local (Unix) sockets, for everything that uses Python's socket module."""

    def refuse(self: socket.socket, address: Any) -> None:
        if self.family == socket.AF_UNIX:
            return original_connect(self, address)
        raise OSError("network access is disabled in this graphkit query worker")

    def refuse_ex(self: socket.socket, address: Any) -> int:
        if self.family == socket.AF_UNIX:
            return original_connect_ex(self, address)
        raise OSError("network access is disabled in this graphkit query worker")

    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex
    socket.socket.connect = refuse  # type: ignore[method-assign,assignment]  # patched on purpose
    socket.socket.connect_ex = refuse_ex  # type: ignore[method-assign,assignment]


def limit_memory(megabytes: int) -> bool:
    """Cap this process's address space (0: no cap); a query that needs more fails instead of the machine."""
    if megabytes <= 0:
        return False
    try:
        import resource
    except ImportError:  # not on Windows
        return False
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return True


__all__ = ["cut_network", "limit_memory"]
