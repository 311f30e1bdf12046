"""Entity pages: search by any id, one entity (facts, rings, neighbourhood graph, claims), offline graph files."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from graphfraud.detect.store import stored_ring
from graphfraud.errors import InputError
from graphfraud.neighbourhood import MAX_HOPS, find, neighbourhood
from graphfraud.viz import fragment, neighbourhood_graph, page, ring_graph_data
from graphfraud.vocabulary import Kind
from graphfraud.web import workbench
from graphfraud.web.i18n import texts
from graphfraud.web.pages import box_url, entity_url, lang_of, render, state

router = APIRouter()

MAX_QUERY = 200
WEB_MAX_NODES = 150     # a page stays responsive; the offline file and the CLI can go further
MAX_NODES_LIMIT = 1000
BUSY_KINDS = (Kind.PROVIDER, Kind.DOCTOR)  # one hop is already many nodes


def _kind_word(kind: str, lang: str) -> str:
    return texts(lang).get(kind, kind)


@router.get("/search")
def search(request: Request, q: str = "") -> Response:
    """Go to the page of whatever has this exact id (a choice when several things share it); else search names
    and the start of ids, and go straight to the one match or list them."""
    q = q.strip()[:MAX_QUERY]
    if not q:
        return RedirectResponse("/", status_code=303)
    engine = state(request).engine
    kinds = find(engine, q)
    if len(kinds) == 1:
        return RedirectResponse(entity_url(kinds[0], q), status_code=303)
    if not kinds and workbench.box(state(request).engine, q) is not None:  # a traceability code: the box's trail
        return RedirectResponse(box_url(q), status_code=303)
    lang = lang_of(request)
    matches = [] if kinds else workbench.search(engine, q)
    if not kinds and len(matches) == 1:
        return RedirectResponse(entity_url(matches[0]["kind"], matches[0]["id"]), status_code=303)
    for m in matches:
        m["kind_word"] = _kind_word(m["kind"], lang)
    return render(request, "search.html", status=404 if not (kinds or matches) else 200, q=q,
                  choices=[(k, _kind_word(k, lang)) for k in kinds], matches=matches,
                  matches_cut=len(matches) >= workbench.SEARCH_LIMIT)


def _graph_options(request: Request, kind: str) -> dict:
    """Hops, node cap and time window from the query string, clamped to what a page can show."""
    def integer(name: str, default: int, lo: int, hi: int) -> int:
        raw = request.query_params.get(name, "")
        return min(hi, max(lo, int(raw))) if raw.isdigit() else default

    return {
        "hops": integer("hops", 1 if kind in BUSY_KINDS else 2, 1, MAX_HOPS),
        "max_nodes": integer("max_nodes", WEB_MAX_NODES, 10, MAX_NODES_LIMIT),
        "since": (request.query_params.get("since") or "")[:10] or None,
        "until": (request.query_params.get("until") or "")[:10] or None,
    }


def _neighbourhood_graph(request: Request, kind: str, ident: str, options: dict, href=entity_url):
    wb = state(request)
    nb = neighbourhood(wb.engine, kind, ident, **options)
    rings = {r: stored_ring(wb.engine, r) for r in nb.ids("ring")}
    return neighbourhood_graph(nb, lang=lang_of(request), rings={k: v for k, v in rings.items() if v}, href=href,
                               generated=datetime.now().astimezone().isoformat(timespec="seconds"))


@router.get("/box/{code:path}")
def box_page(request: Request, code: str) -> Response:
    """One box by its traceability code (药品追溯码): bought in by whom, sold where and when, settled again."""
    lang = lang_of(request)
    data = workbench.box(state(request).engine, code[:MAX_QUERY])
    if data is None:
        raise HTTPException(status_code=404, detail=texts(lang)["not_found"].format(what=f"{texts(lang)['box']} {code[:MAX_QUERY]}"))
    return render(request, "box.html", box=data, code=code)


@router.get("/entity/{kind}/{ident:path}")
def entity_page(request: Request, kind: str, ident: str) -> Response:
    """A patient, card, provider, doctor, claim, phone or address: facts, rings, neighbourhood and claims."""
    if kind == "ring":
        return RedirectResponse(entity_url("ring", ident), status_code=303)
    lang = lang_of(request)
    wb = state(request)
    data = workbench.entity(wb.engine, kind, ident)
    if data is None:
        raise HTTPException(status_code=404, detail=texts(lang)["not_found"].format(what=f"{_kind_word(kind, lang)} {ident}"))
    options = _graph_options(request, kind)
    graph_error = None
    try:
        graph = fragment(_neighbourhood_graph(request, kind, ident, options))
    except InputError as exc:  # a bad date in the graph form: show the page, say what was wrong
        graph, graph_error = None, str(exc)
    return render(request, "entity.html", entity=data, kind=kind, kind_word=_kind_word(kind, lang), ident=ident,
                  graph=graph, graph_error=graph_error, options=options, max_hops=MAX_HOPS)


@router.get("/graphs/{kind}/{ident:path}")
def graph_file(request: Request, kind: str, ident: str) -> Response:
    """The ring's graph, or the entity's neighbourhood, as one offline HTML file to keep or pass on."""
    wb = state(request)
    lang = lang_of(request)
    if kind == "ring":
        ring = stored_ring(wb.engine, ident)
        if ring is None:
            raise HTTPException(status_code=404, detail=texts(lang)["not_found"].format(what=ident))
        from graphfraud.detect.store import claim_facts

        facts = claim_facts(wb.engine, (c for ev in ring["evidence"] for c in ev["claims"]))
        graph = ring_graph_data(ring, facts, lang=lang)
    else:
        if kind not in workbench.ENTITY_PAGES or kind not in find(wb.engine, ident):
            raise HTTPException(status_code=404, detail=texts(lang)["not_found"].format(what=f"{_kind_word(kind, lang)} {ident}"))
        graph = _neighbourhood_graph(request, kind, ident, _graph_options(request, kind), href=None)
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", ident)[:80] or "graph"
    return Response(page(graph), media_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="graphfraud-{kind}-{safe}.html"'})
