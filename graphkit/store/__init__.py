"""Pluggable stores, chosen by one setting: `memory`, `oxigraph` (in memory), `oxigraph:DIR` or the
URL of a SPARQL endpoint. `StoreSpec.parse` is the only reader of that setting (the command line's
--store, the build, the endpoint, the Python API); each store declares what it can do (see `Store`).

>>> spec = StoreSpec.parse("oxigraph:out/store")
>>> spec.kind.__name__, spec.location
('OxigraphStore', 'out/store')
>>> StoreSpec.parse("http://127.0.0.1:7878/query").kind.needs_network
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graphkit.store.base import QueryResult, Store
from graphkit.store.memory import MemoryStore
from graphkit.store.oxigraph import OxigraphStore
from graphkit.store.remote import RemoteStore

__all__ = ["MemoryStore", "OxigraphStore", "QueryResult", "RemoteStore", "Store", "StoreSpec", "open_store"]


@dataclass(frozen=True)
class StoreSpec:
    """A parsed store setting: which backend, and where (a directory, a URL, or None: in memory)."""

    kind: type[Store]
    location: str | None = None

    @classmethod
    def parse(cls, spec: str) -> StoreSpec:
        """Read a setting; ValueError names the accepted forms."""
        if spec == "memory":
            return cls(MemoryStore)
        if spec == "oxigraph" or spec.startswith("oxigraph:"):
            return cls(OxigraphStore, spec.removeprefix("oxigraph").removeprefix(":") or None)
        if spec.startswith(("http://", "https://")):
            return cls(RemoteStore, spec)
        raise ValueError(f"unknown store {spec!r}: use memory, oxigraph:DIR or the URL of a SPARQL endpoint")

    @classmethod
    def directory(cls, path: Path) -> StoreSpec:
        """The on-disk Oxigraph store in a directory."""
        return cls(OxigraphStore, str(path))

    def names_directory(self, path: Path) -> bool:
        """Whether this is the on-disk store in `path` (however the path is written)."""
        return self.kind is OxigraphStore and self.location is not None and (
            os.path.abspath(self.location) == os.path.abspath(path)
        )

    def open(self, read_only: bool = False) -> Store:
        """Open the store (an on-disk one read-only if asked: several processes may then share it)."""
        if self.kind is OxigraphStore:
            return OxigraphStore(Path(self.location), read_only=read_only) if self.location else OxigraphStore()
        if self.kind is RemoteStore:
            return RemoteStore(str(self.location))
        return MemoryStore()

    def __str__(self) -> str:
        if self.kind is MemoryStore:
            return "memory"
        if self.kind is OxigraphStore:
            return f"oxigraph:{self.location}" if self.location else "oxigraph"
        return str(self.location)


def open_store(spec: str, read_only: bool = False) -> Store:
    """Open a store from its setting, the form the command line's --store option takes."""
    return StoreSpec.parse(spec).open(read_only=read_only)
