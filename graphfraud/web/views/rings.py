"""Ring pages: the list (sorted by score, filtered), one ring's case file, and the form that takes its next step."""

from __future__ import annotations

from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from graphfraud.case import trail
from graphfraud.case.workflow import STATUSES, label as status_label
from graphfraud.detect.evidence import FAMILIES
from graphfraud.errors import InputError
from graphfraud.viz import fragment, ring_graph_data
from graphfraud.web import workbench
from graphfraud.web.i18n import texts
from graphfraud.web.pages import entity_url, lang_of, render, ring_url, state, with_params
from graphfraud.web.security import SESSION_COOKIE, same

router = APIRouter()

NOTE_ONLY = "note"
MAX_ACTOR = 100
MAX_NOTE = 4000
ACTOR_COOKIE = "gf_actor"


@router.get("/")
def ring_list(request: Request, page: int = 1) -> Response:
    """Every stored ring, highest score first, with filters by pattern, city, score and status."""
    wb = state(request)
    flt = workbench.RingFilter.parse(request.query_params)
    data = workbench.ring_list(wb.engine, flt, page, lang_of(request))
    return render(request, "rings.html", flt=flt, families=FAMILIES, statuses=list(STATUSES),
                  pages_around=list(workbench.iter_pages(data["page"], data["pages"])),
                  page_url=lambda p: with_params(request, page=p), **data)


def _ring_page(request: Request, ring_id: str, status: int = 200, error: str | None = None,
               form: dict | None = None) -> Response:
    wb = state(request)
    lang = lang_of(request)
    case = workbench.ring_case(wb.engine, ring_id, lang)
    if case is None:
        raise HTTPException(status_code=404, detail=texts(lang)["not_found"].format(what=ring_id))
    graph = ring_graph_data(case["ring"], case["facts"], lang=lang, href=entity_url)
    done = None
    done_seq = request.query_params.get("done")
    if done_seq and done_seq.isdigit():
        for event in case["trail"]:
            if event.seq == int(done_seq):
                done = event
    actor = (form or {}).get("actor") or unquote(request.cookies.get(ACTOR_COOKIE, ""))
    return render(request, "ring.html", status=status, case=case, ring=case["ring"], graph=fragment(graph),
                  error=error, done=done, form={"actor": actor[:MAX_ACTOR], "note": (form or {}).get("note", ""),
                                                "next_status": (form or {}).get("next_status", "")},
                  status_label=lambda s: status_label(s or "new", lang))


@router.get("/rings/{ring_id}")
def ring_page(request: Request, ring_id: str) -> Response:
    """One ring: summary, why it is a ring, members, graph, timeline, evidence and its case trail."""
    return _ring_page(request, ring_id)


@router.post("/rings/{ring_id}/steps")
def take_step(request: Request, ring_id: str, csrf: str = Form(""), next_status: str = Form(""),
              actor: str = Form(""), note: str = Form(""), expected: str = Form("")) -> Response:
    """Append one step (a status change or a note) to the ring's trail, then show the ring again."""
    wb = state(request)
    t = texts(lang_of(request))
    form = {"actor": actor, "note": note, "next_status": next_status}
    try:
        trail.current_status(wb.engine, ring_id)
    except InputError:
        raise HTTPException(status_code=404, detail=t["not_found"].format(what=ring_id)) from None
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _ring_page(request, ring_id, status=403, error=t["csrf_failed"], form=form)
    actor = actor.strip()
    if not actor:
        return _ring_page(request, ring_id, status=400, error=t["actor_required"], form=form)
    if len(actor) > MAX_ACTOR or len(note) > MAX_NOTE:
        return _ring_page(request, ring_id, status=400, error=t["bad_input"].format(
            reason=f"actor ≤ {MAX_ACTOR}, note ≤ {MAX_NOTE} characters"), form=form)
    action = "note" if next_status == NOTE_ONLY else "status"
    try:
        event = workbench.record_step(wb.engine, ring_id, action, actor, note, next_status or None,
                                      expected or None, wb.write_lock)
    except workbench.MovedMeanwhile as moved:
        return _ring_page(request, ring_id, status=409, form=form,
                          error=t["moved_meanwhile"].format(status=status_label(moved.status, lang_of(request))))
    except InputError as exc:
        return _ring_page(request, ring_id, status=400, error=t["bad_input"].format(reason=str(exc)), form=form)
    response = RedirectResponse(f"{ring_url(ring_id)}?done={event.seq}#trail", status_code=303)
    if not same(unquote(request.cookies.get(ACTOR_COOKIE, "")), actor):
        # remembered on this browser only, to fill in the form next time (percent-encoded: cookies are ASCII)
        response.set_cookie(ACTOR_COOKIE, quote(actor, safe=""), max_age=30 * 86400, httponly=True, samesite="strict")
    return response
