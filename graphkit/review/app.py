"""The review app: a Starlette application over a `Workspace`, for one reviewer on this machine.

It writes files on behalf of a browser, so it trusts nothing a browser sends:

- it answers only requests whose Host is a loopback name it was started with (DNS rebinding: a page
  on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`), by Starlette's
  `TrustedHostMiddleware`;
- every write (PUT, POST, DELETE) must carry the CSRF token the page was served with, in the
  `X-CSRF-Token` header (a cross-site form cannot set headers), and an `Origin`, when sent, must be
  the app's own; a cross-site `Sec-Fetch-Site` is refused too;
- the page is one template with autoescaping; its script and style are inline and pinned by hash in
  a Content-Security-Policy that allows nothing else (`connect-src 'self'`, no frames, no forms), and
  the script puts article text into the page only through `textContent`;
- a save names the version it was edited from (`If-Match`): a stale one gets 409, not an overwrite;
  a refused save gets 422 with the field (and event) it is about, never a traceback.

Routes: `/` (the page), `/api/queue`, `/api/sources/{id}` (GET: the source; POST: save it as
reviewed), `/api/drafts/{id}` (PUT, DELETE), `/api/entities?q=` (autocomplete), `/api/modes`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from graphkit import vocabulary
from graphkit.dataset import DataError
from graphkit.review.workspace import EVENT_FIELDS, Conflict, NotFound, ReviewError, Workspace

ASSETS = Path(__file__).resolve().parent / "assets"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
WRITES = ("PUT", "POST", "DELETE", "PATCH")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@cache
def _assets() -> tuple[str, str]:
    return (ASSETS / "review.js").read_text(encoding="utf-8"), (ASSETS / "review.css").read_text(encoding="utf-8")


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ASSETS), autoescape=True, undefined=jinja2.StrictUndefined
    )
    return environment.get_template("review.html")


@cache
def content_security_policy(header: bool = True) -> str:
    """Only the page's own script and style, and requests to its own origin (`header`: with
    frame-ancestors, which only a header can carry; the page repeats the rest in a meta element)."""
    script, style = _assets()
    policy = (
        f"default-src 'none'; script-src {_hash(script)}; style-src {_hash(style)}; connect-src 'self'; "
        "img-src data:; base-uri 'none'; form-action 'none'; object-src 'none'"
    )
    return policy + "; frame-ancestors 'none'" if header else policy


def create_app(workspace: Workspace, hosts: Sequence[str] = LOOPBACK, token: str | None = None) -> Starlette:
    """The app for `workspace`, answering only to `hosts`, with a CSRF token (random unless given)."""
    csrf = token or secrets.token_urlsafe(32)
    saving = threading.Lock()  # one save (and rebuild) at a time

    def page(request: Request) -> Response:
        script, style = _assets()
        vocab = {
            "relations": [{"key": t.key, "zh": t.zh, "color": t.color} for t in vocabulary.relations()],
            "types": [{"key": t.key, "zh": t.zh} for t in vocabulary.entity_types()],
            "levels": [{"key": t.key, "zh": t.zh} for t in vocabulary.levels()],
            "figures": [{"key": t.key, "zh": t.zh} for t in vocabulary.FIGURES],
            "eventFields": list(EVENT_FIELDS),
        }
        from graphkit.render.page import json_for_script

        html = _template().render(
            token=csrf, csp=content_security_policy(header=False), script=Markup(script), style=Markup(style),
            vocabulary=Markup(json_for_script(vocab)),
        )
        return HTMLResponse(html, headers={"Content-Security-Policy": content_security_policy()})

    def queue(request: Request) -> Response:
        return JSONResponse(workspace.queue())

    def source(request: Request) -> Response:
        found = workspace.source(request.path_params["source"])
        return JSONResponse(found, headers={"ETag": f'"{found["version"]}"'})

    async def save(request: Request) -> Response:
        body = await _json(request)
        version = request.headers.get("if-match", "").strip('"') or str(body.get("version") or "")
        with saving:
            result = workspace.save(request.path_params["source"], body, version)
        return JSONResponse(result, headers={"ETag": f'"{result["version"]}"'})

    async def draft(request: Request) -> Response:
        if request.method == "DELETE":
            workspace.drop_draft(request.path_params["source"])
        else:
            workspace.save_draft(request.path_params["source"], await _json(request))
        return Response(status_code=204)

    def entities(request: Request) -> Response:
        return JSONResponse(workspace.entities(request.query_params.get("q", ""), limit=12))

    def modes(request: Request) -> Response:
        from graphkit.ontology import mode_index

        return JSONResponse(sorted(mode_index()))

    routes = [
        Route("/", page),
        Route("/api/queue", queue),
        Route("/api/sources/{source}", source, methods=["GET"]),
        Route("/api/sources/{source}", save, methods=["POST"]),
        Route("/api/drafts/{source}", draft, methods=["PUT", "DELETE"]),
        Route("/api/entities", entities),
        Route("/api/modes", modes),
    ]
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method in WRITES:
            refusal = _refused_write(request, csrf)
            if refusal:
                return _error(403, refusal)
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        return response

    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=[h.strip("[]") for h in hosts] + list(hosts)),
        Middleware(BaseHTTPMiddleware, dispatch=guard),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=_handlers())
    app.state.csrf = csrf
    return app


def _refused_write(request: Request, token: str) -> str | None:
    """Why a write is refused (None: allowed): the CSRF token, the Origin, the fetch site."""
    sent = request.headers.get("x-csrf-token", "")
    if not sent or not hmac.compare_digest(sent.encode(), token.encode()):
        return "missing or wrong CSRF token: reload the page"
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return "cross-site request refused"
    origin = request.headers.get("origin")
    if origin is not None:
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            return f"request from another origin refused: {origin}"
    return None


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ReviewError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise ReviewError("the request body must be a JSON object")
    return body


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, "status": status, **extra}, status_code=status)


def _handlers() -> dict[Any, Callable[..., Any]]:
    """Every failure as one JSON object with a message (and the field for a form), never a traceback."""

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(404, str(exc))

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ReviewError)
        status = 409 if isinstance(exc, Conflict) else 422
        return _error(status, str(exc), field=exc.field, event=exc.event)

    async def bad_data(request: Request, exc: Exception) -> Response:
        return _error(500, f"data/ is not valid: {exc}")

    async def http(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        return _error(status, str(getattr(exc, "detail", "")) or "error")

    from starlette.exceptions import HTTPException

    return {NotFound: not_found, ReviewError: refused, DataError: bad_data, HTTPException: http}
