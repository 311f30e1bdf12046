"""The base every view builds on: the workbench's state, the template environment, links and rendering.

Templates live in the package (``graphfraud/web/templates``; partials start
with ``_``) next to the graph templates of ``viz/templates``, so a ring page
includes the very graph fragment the offline files use. Autoescaping is on
for every template.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from graphfraud.accounts.roles import may, role_label
from graphfraud.config import Settings
from graphfraud.resources import data_dir
from graphfraud.vocabulary import LANGUAGES
from graphfraud.web.i18n import texts
from graphfraud.web.security import Csrf, Hosts
from graphfraud.web.sessions import Sessions
from graphfraud.words import chance

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class Workbench:
    """What every request shares: the engine, the default language, the guards and where the trail lives."""

    engine: Any
    lang: str = "zh"
    token: str | None = None
    store: str = ""  # where the case trail lives (the embedded folder or the Neo4j URI), for the page's note
    csrf: Csrf = field(default_factory=Csrf)
    hosts: Hosts = field(default_factory=lambda: Hosts("127.0.0.1"))  # the Host names it answers to
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: Sessions = field(default_factory=Sessions)   # who is signed in (signed cookies), failed sign-ins
    settings: Settings = field(default_factory=Settings)   # the case workflow's time limits, detection thresholds

    @property
    def shared_trail(self) -> bool:
        return self.engine.shared_store


def state(request: Request) -> Workbench:
    return request.app.state.workbench


def ring_url(ring_id: str) -> str:
    return "/rings/" + quote(str(ring_id), safe="")


def box_url(code: str) -> str:
    """The page of a box: its trail by traceability code."""
    return "/box/" + quote(str(code), safe="")


def entity_url(kind: str, ident: str) -> str:
    """The page of an entity (a ring's page for a ring)."""
    if kind == "ring":
        return ring_url(ident)
    return f"/entity/{quote(kind, safe='')}/" + quote(str(ident), safe="")


def graph_url(kind: str, ident: str, **params: Any) -> str:
    """The offline graph file of a ring or an entity's neighbourhood."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"/graphs/{quote(kind, safe='')}/" + quote(str(ident), safe="") + (f"?{query}" if query else "")


def with_params(request: Request, **changes: Any) -> str:
    """This page's path and query with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    query = urlencode(params)
    return here(request) + (f"?{query}" if query else "")


def here(request: Request) -> str:
    """This page's path as a link (re-encoded: ids may hold spaces, ?, # or non-ASCII characters)."""
    return quote(request.url.path, safe="/")


def money(value: Any) -> str:
    try:
        return f"{float(value):,.2f}"
    except (TypeError, ValueError):
        return "—"


def score(value: Any) -> str:
    try:
        return f"{float(value):.3f}"
    except (TypeError, ValueError):
        return "—"


def number(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "—"


def linked(text: str, ids: dict[str, str]) -> Markup:
    """``text`` with every id of ``ids`` (id → kind) a link to its page; everything else escaped."""
    import re

    from markupsafe import escape

    text = str(text or "")
    present = sorted((i for i in ids if i and i in text), key=len, reverse=True)
    if not present:
        return escape(text)
    pattern = re.compile("|".join(re.escape(i) for i in present))
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup('<a href="{}">{}</a>').format(entity_url(ids[m.group(0)], m.group(0)), m.group(0)))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def step_note(entry: Any, t: Mapping[str, str]) -> str:
    """A trail entry's note in the page's language: an export names its bundle, a reopening its run and the change
    (what the trail stores for them is English, as the job's log writes it); any other step shows the note as typed."""
    details = entry.details or {}
    if entry.action == "export" and details.get("bundle"):
        note = t["export_note"].format(name=details["bundle"])
        return note + (f"（{t['bundle_redact']}）" if details.get("redacted") else "")
    if entry.action == "reopened" and details.get("run_id"):
        change = str(details.get("change") or "changed")
        return t["reopened_note"].format(run=details["run_id"], change=t.get(f"change_{change}", change))
    return entry.note or ""


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)),
                                    jinja2.FileSystemLoader(str(data_dir("viz") / "templates"))]),
        autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(ring_url=ring_url, entity_url=entity_url, graph_url=graph_url, box_url=box_url)
    env.filters.update(money=money, score=score, number=number, chance=chance)
    env.globals.update(linked=linked, step_note=step_note)
    return env


_ENV = None


def environment():
    global _ENV  # noqa: PLW0603 — built once, on first use (not at import)
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def lang_of(request: Request) -> str:
    lang = getattr(request.state, "lang", None)
    return lang if lang in LANGUAGES else state(request).lang


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page needs: words, language switch, search box, form token, trail note."""
    wb = state(request)
    lang = lang_of(request)
    t = texts(lang)
    user = getattr(request.state, "user", None)
    # where the trail lives (a folder, a server) is for signed-in users only, never on the sign-in page
    note = "" if user is None else (t["neo4j_note"].format(uri=wb.store) if wb.shared_trail
                                    else t["embedded_note"].format(path=wb.store))
    base = {
        "t": t, "lang": lang, "lang_url": with_params(request, lang=t["lang_other"]),
        "csrf": wb.csrf.token(request.state.session), "trail_note": note, "shared_trail": wb.shared_trail,
        "q": context.pop("q", ""), "request_path": here(request), "user": user,
        "role_word": role_label(user.role, lang) if user else "", "can": (lambda ability: bool(user and may(user.role, ability))),
    }
    html = environment().get_template(template).render(**base, **context)
    return HTMLResponse(html, status_code=status)
