"""Static files: the workbench's stylesheet and the graph scripts, served from the package (no CDN)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, HTTPException
from fastapi.responses import PlainTextResponse, Response

from graphfraud.viz import asset, vis_js
from graphfraud.web.pages import TEMPLATES

router = APIRouter()

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_CACHE = {"Cache-Control": "private, max-age=3600"}


def _app_css() -> str:
    return (TEMPLATES.parent / "static" / "app.css").read_text(encoding="utf-8")


_FILES: dict[str, Callable[[], str]] = {
    "vis-network.min.js": vis_js,
    "graph.js": lambda: asset("graph.js"),
    "graph.css": lambda: asset("graph.css"),
    "app.css": _app_css,
}


@router.get("/static/{name}")
def static(name: str) -> Response:
    """One of the known files (a fixed list: nothing else on disk can be reached through this route)."""
    read = _FILES.get(name)
    if read is None:
        raise HTTPException(status_code=404)
    return Response(read(), media_type=_TYPES[name[name.rindex("."):]], headers=_CACHE)


@router.get("/healthz")
def healthz() -> PlainTextResponse:
    """Liveness for scripts and tests; answers without the token and says nothing about the data."""
    return PlainTextResponse("ok")


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon (browsers ask for one; answering 204 keeps their consoles and the access log clean)."""
    return Response(status_code=204)
