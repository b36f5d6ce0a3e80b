"""Pluggable stores: `open_store("memory" | "oxigraph:DIR" | "http://host/sparql")`."""

from __future__ import annotations

from pathlib import Path

from graphkit.store.base import QueryResult, Store
from graphkit.store.memory import MemoryStore
from graphkit.store.oxigraph import OxigraphStore
from graphkit.store.remote import RemoteStore

__all__ = ["MemoryStore", "OxigraphStore", "QueryResult", "RemoteStore", "Store", "open_store", "store_class"]


def store_class(spec: str) -> type[Store]:
    """The kind of store a spec string names (without opening it), so its capabilities can be read."""
    if spec == "memory":
        return MemoryStore
    if spec == "oxigraph" or spec.startswith("oxigraph:"):
        return OxigraphStore
    if spec.startswith(("http://", "https://")):
        return RemoteStore
    raise ValueError(f"unknown store {spec!r}: use memory, oxigraph:DIR or the URL of a SPARQL endpoint")


def open_store(spec: str, read_only: bool = False) -> Store:
    """Open a store from its spec string, the form the command line's --store option takes."""
    kind = store_class(spec)
    if kind is OxigraphStore:
        path = spec.removeprefix("oxigraph").removeprefix(":")
        return OxigraphStore(Path(path), read_only=read_only) if path else OxigraphStore()
    return kind(spec) if kind is RemoteStore else kind()
