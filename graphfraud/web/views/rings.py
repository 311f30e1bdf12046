"""Ring pages: the list (sorted, filtered, exported, bulk actions), one ring's case file, its steps and its bundle.

Every step is taken by the signed-in user through :func:`graphfraud.case.steps.take_step`,
so the role and the four-eyes rule apply here exactly as in the CLI.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from graphfraud.accounts import store
from graphfraud.accounts.roles import may
from graphfraud.case import outcomes, steps, trail
from graphfraud.case.deadlines import overdue
from graphfraud.case.workflow import STATUSES, label as status_label, offered
from graphfraud.errors import AccessError, InputError
from graphfraud.viz import fragment, ring_graph_data
from graphfraud.vocabulary import FAMILIES, language
from graphfraud.web import ring_export, workbench
from graphfraud.web.i18n import refused, texts
from graphfraud.web.pages import entity_url, lang_of, render, ring_url, state, with_params
from graphfraud.web.security import SESSION_COOKIE

router = APIRouter()

NOTE_ONLY = steps.NOTE_ONLY
MAX_NOTE = 4000
MAX_BULK = 200
BULK_ACTIONS = ("assign", "dismiss")


def _today() -> date:
    return datetime.now(trail.CHINA).date()


def _assignable(engine) -> list[store.User]:
    """Who can be given cases: enabled investigators and supervisors."""
    return [u for u in store.all_users(engine) if not u.disabled and u.role in ("investigator", "supervisor")]


def _filter(request: Request) -> workbench.RingFilter:
    user = request.state.user
    return workbench.RingFilter.parse(request.query_params, me=user.username if user else None)


@router.get("/")
def ring_list(request: Request, page: int = 1) -> Response:
    """Every stored ring, highest score first (or by any column), with filters, bulk actions and the export."""
    return _list_page(request, page)


def _list_page(request: Request, page: int = 1, error: str | None = None, status: int = 200) -> Response:
    wb = state(request)
    lang = lang_of(request)
    flt = _filter(request)
    sort = workbench.sort_of(request.query_params)
    data = workbench.ring_list(wb.engine, flt, page, lang, sort)
    today = _today()
    names = store.display_names(wb.engine)
    for r in data["rings"]:
        r["overdue"] = overdue(r["status"], r.get("due"), today)
        r["assignee_shown"] = names.get(r.get("assignee") or "", r.get("assignee") or "")

    def sort_url(key: str) -> str:
        desc = "0" if (data["sort"] == key and data["desc"]) else "1"
        return with_params(request, sort=key, desc=desc, page=None)

    return render(request, "rings.html", status=status, flt=flt, families=FAMILIES, statuses=list(STATUSES),
                  pages_around=list(workbench.iter_pages(data["page"], data["pages"])),
                  page_url=lambda p: with_params(request, page=p), sort_url=sort_url,
                  export_url=lambda fmt: "/rings." + fmt + (("?" + request.url.query) if request.url.query else ""),
                  assignable=_assignable(wb.engine), bulk_error=error,
                  bulk_done=(request.query_params.get("bulk") or "")[:2000] or None,
                  rates=outcomes.rates(outcomes.count(workbench.all_rings(wb.engine)), lang), **data)


@router.get("/rings.{fmt}")
def ring_list_file(request: Request, fmt: str) -> Response:
    """The list with the same filters and order, every page of it, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(status_code=404)
    wb = state(request)
    lang = lang_of(request)
    rings, _, _, _ = workbench.ring_rows(wb.engine, _filter(request), workbench.sort_of(request.query_params))
    for r in rings:
        r["motif_titles"] = [workbench.motif_title(m, lang) for m in r["motif_list"]]
    stamp = _today().isoformat()
    if fmt == "csv":
        body, media = ring_export.csv_bytes(rings, lang), "text/csv; charset=utf-8"
    else:
        body, media = ring_export.xlsx_bytes(rings, lang), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="graphfraud-rings-{stamp}.{fmt}"'})


def seen_statuses(seen: list[str]) -> dict[str, str]:
    """Ring id → the status the list showed for it, from the form's ``seen`` fields (``ring_id|status``)."""
    out: dict[str, str] = {}
    for entry in seen[:MAX_BULK * 5]:
        ring_id, sep, status = entry.rpartition("|")
        if sep and ring_id and status in STATUSES:
            out[ring_id] = status
    return out


@router.post("/rings/bulk")
def bulk(request: Request, csrf: str = Form(""), action: str = Form(""), assignee: str = Form(""),
         note: str = Form(""), ring: list[str] = Form([]), seen: list[str] = Form([])) -> Response:
    """Assign, or dismiss, the chosen rings at once: one trail entry per ring; rings that cannot move are named.

    Each ring is acted on only while it is still in the status the list showed (``seen``; the step is
    conditional on it, see ``steps.take_step``): a ring that moved since, or whose status the form did not
    carry, is skipped and named, never changed unseen.
    """
    wb = state(request)
    lang = lang_of(request)
    t = texts(lang)
    user = request.state.user
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _list_page(request, status=403, error=t["csrf_failed"])
    if not may(user.role, "bulk"):
        return _list_page(request, status=403, error=t["not_permitted"].format(reason=t["supervisors_only"]))
    chosen = list(dict.fromkeys(r for r in ring if r))[:MAX_BULK]
    if action not in BULK_ACTIONS or not chosen or len(note) > MAX_NOTE:
        return _list_page(request, status=400, error=t["bulk_choose"])
    shown = seen_statuses(seen)
    done, skipped = 0, []
    for ring_id in chosen:
        expected = shown.get(ring_id)
        if expected is None:
            skipped.append(f"{ring_id}: {t['bulk_unseen']}")
            continue
        try:
            if action == "assign":
                steps.take_step(wb.engine, ring_id, user, "assign", note, assignee=assignee.strip() or None,
                                expected=expected, lock=wb.write_lock, case_settings=wb.settings.case)
            else:
                steps.take_step(wb.engine, ring_id, user, "status", note, to_status="dismissed", expected=expected,
                                lock=wb.write_lock, case_settings=wb.settings.case)
            done += 1
        except steps.MovedMeanwhile as moved:
            skipped.append(f"{ring_id}: {t['bulk_moved'].format(status=status_label(moved.status, lang))}")
        except AccessError as exc:
            skipped.append(f"{ring_id}: {refused(exc, lang)}")
        except InputError as exc:
            skipped.append(f"{ring_id}: {exc}")
    message = t["bulk_done"].format(n=done) + ("" if not skipped else " " + t["bulk_skipped"].format(
        n=len(skipped), which="; ".join(skipped[:10])))
    return RedirectResponse("/?" + urlencode({"bulk": message}), status_code=303)


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
    user = request.state.user
    names = store.display_names(wb.engine)
    case["next"] = list(offered(user.role, user.username, case["status"], case["trail"]))
    case["overdue"] = overdue(case["status"], case["ring"].get("due"), _today())
    rates = outcomes.rates(outcomes.count(workbench.all_rings(wb.engine)), lang)
    for m in case["motifs"]:
        m["rate"] = rates.get(m["motif"])
    return render(request, "ring.html", status=status, case=case, ring=case["ring"], graph=fragment(graph),
                  error=error, done=done, form={"note": (form or {}).get("note", ""),
                                                "next_status": (form or {}).get("next_status", "")},
                  names=names, assignable=_assignable(wb.engine),
                  status_label=lambda s: status_label(s or "new", lang))


@router.get("/rings/{ring_id}")
def ring_page(request: Request, ring_id: str) -> Response:
    """One ring: summary, why it is a ring, members, graph, timeline, evidence and its case trail."""
    return _ring_page(request, ring_id)


def _known_ring(request: Request, ring_id: str) -> None:
    try:
        trail.current_status(state(request).engine, ring_id)
    except InputError:
        raise HTTPException(status_code=404, detail=texts(lang_of(request))["not_found"].format(what=ring_id)) from None


@router.post("/rings/{ring_id}/steps")
def take_step(request: Request, ring_id: str, csrf: str = Form(""), next_status: str = Form(""),
              note: str = Form(""), expected: str = Form(""), assignee: str = Form("")) -> Response:
    """Append the signed-in user's step (a status change, a note or an assignment) to the trail; show the ring."""
    wb = state(request)
    lang = lang_of(request)
    t = texts(lang)
    form = {"note": note, "next_status": next_status}
    _known_ring(request, ring_id)
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _ring_page(request, ring_id, status=403, error=t["csrf_failed"], form=form)
    if len(note) > MAX_NOTE:
        return _ring_page(request, ring_id, status=400, error=t["bad_input"].format(
            reason=f"note ≤ {MAX_NOTE} characters"), form=form)
    action = "assign" if next_status == "assign" else ("note" if next_status == NOTE_ONLY else "status")
    try:
        event = steps.take_step(wb.engine, ring_id, request.state.user, action, note,
                                to_status=next_status or None if action == "status" else None,
                                expected=expected or None, lock=wb.write_lock, case_settings=wb.settings.case,
                                assignee=assignee.strip() or None)
    except steps.MovedMeanwhile as moved:
        return _ring_page(request, ring_id, status=409, form=form,
                          error=t["moved_meanwhile"].format(status=status_label(moved.status, lang)))
    except AccessError as exc:
        return _ring_page(request, ring_id, status=403, form=form, error=t["not_permitted"].format(reason=refused(exc, lang)))
    except InputError as exc:
        return _ring_page(request, ring_id, status=400, error=t["bad_input"].format(reason=str(exc)), form=form)
    return RedirectResponse(f"{ring_url(ring_id)}?done={event.seq}#trail", status_code=303)


@router.post("/rings/{ring_id}/bundle")
def export(request: Request, ring_id: str, csrf: str = Form(""), redact: str = Form(""),
           report_lang: str = Form("zh")) -> Response:
    """The ring's case bundle, made by the running workbench (so the embedded database needs no second process),
    recorded on the trail with the signed-in user as exporter, and downloaded."""
    from graphfraud.bundle import export_bundle

    wb = state(request)
    lang = lang_of(request)
    t = texts(lang)
    _known_ring(request, ring_id)
    if not wb.csrf.valid(request.cookies.get(SESSION_COOKIE), csrf):
        return _ring_page(request, ring_id, status=403, error=t["csrf_failed"])
    user = request.state.user
    try:
        steps.check_allowed(user, "export")
    except AccessError as exc:
        return _ring_page(request, ring_id, status=403, error=t["not_permitted"].format(reason=refused(exc, lang)))
    name = f"{ring_id}{'-redacted' if redact else ''}.zip"
    with tempfile.TemporaryDirectory(prefix="graphfraud-export-") as folder:
        try:
            with wb.write_lock:
                path = export_bundle(wb.engine, ring_id, Path(folder) / name, actor=user.username, redact=bool(redact),
                                     lang=language(report_lang),
                                     thresholds=wb.settings.detect)
        except InputError as exc:
            return _ring_page(request, ring_id, status=400, error=t["bad_input"].format(reason=str(exc)))
        data = path.read_bytes()
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})
