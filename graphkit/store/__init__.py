"""Pluggable stores: `open_store("memory" | "oxigraph:DIR" | "http://host/sparql")`."""

from __future__ import annotations

from pathlib import Path

from graphkit.store.base import QueryResult, Store
from graphkit.store.memory import MemoryStore
from graphkit.store.oxigraph import OxigraphStore
from graphkit.store.remote import RemoteStore

__all__ = ["MemoryStore", "OxigraphStore", "QueryResult", "RemoteStore", "Store", "open_store"]


def open_store(spec: str, read_only: bool = False) -> Store:
    """Open a store from its spec string, the form the command line's --store option takes."""
    if spec == "memory":
        return MemoryStore()
    if spec == "oxigraph":
        return OxigraphStore()
    if spec.startswith("oxigraph:"):
        return OxigraphStore(Path(spec.removeprefix("oxigraph:")), read_only=read_only)
    if spec.startswith(("http://", "https://")):
        return RemoteStore(spec)
    raise ValueError(f"unknown store {spec!r}: use memory, oxigraph:DIR or the URL of a SPARQL endpoint")
