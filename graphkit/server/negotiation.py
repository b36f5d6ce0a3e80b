"""Content negotiation for the endpoint: which SPARQL results or RDF format answers an Accept header
(or the `format` parameter), and the error every layer of the endpoint answers with."""


from __future__ import annotations

RESULT_TYPES = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
}
GRAPH_TYPES = {
    "turtle": ("text/turtle", "application/x-turtle"),
    "nt": ("application/n-triples", "text/plain"),
    "xml": ("application/rdf+xml", "application/xml", "text/xml"),
    "json-ld": ("application/ld+json", "application/json"),
}

def media_parameter(text: str) -> tuple[str, str]:
    """A media type parameter `name=value` as (lower-case name, value without quotes)."""
    name, _, value = text.partition("=")
    return name.strip().lower(), value.strip().strip('"')


class HttpError(Exception):
    """An error answered as JSON with this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def negotiate(accept: str, explicit: str | None, graph: bool) -> tuple[str, str]:
    """(format key, media type) for the Accept header or an explicit ?format= (as SPARQLWrapper sends)."""
    table = GRAPH_TYPES if graph else RESULT_TYPES
    if explicit:
        choice = explicit.strip().lower()
        for key, media in table.items():
            if choice == key or choice in media or (choice in ("ttl", "n3") and key == "turtle"):
                return key, media[0]
    ranked = _accept_ranges(accept or "*/*")
    for wanted, _ in ranked:
        for key, media in table.items():
            if wanted in media:
                return key, media[0]
        if wanted in ("*/*", "application/*", "text/*"):
            for key, media in table.items():
                if wanted == "*/*" or media[0].startswith(wanted[:-1]):
                    return key, media[0]
    offered = ", ".join(m[0] for m in table.values())
    raise HttpError(406, f"cannot answer in {accept!r}; available: {offered}")


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal quality)."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((media.lower(), -quality, position))
    return [(media, -q) for media, q, _ in sorted(ranges, key=lambda r: (r[1], r[2]))]


