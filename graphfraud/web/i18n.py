"""The workbench's words in Chinese (the default) and English, as its templates read them.

Every word is in the one catalogue (``graphfraud/words.toml``): what the pages
say (``page.*``), and the words they share with the graph pages — pattern
families, roles, visit types, statuses. :func:`texts` lays them out flat for
one language, as ``t.key`` in a template; motif names come from the motif
files' titles.
"""

from __future__ import annotations

from functools import cache

from graphfraud.vocabulary import language
from graphfraud.words import section


def refused(exc: Exception, lang: str) -> str:
    """Why a step was not allowed, in the page's language (a NotPermitted's code and params; else its message)."""
    from graphfraud.accounts.roles import role_label

    t = texts(lang)
    code = getattr(exc, "code", "")
    params = dict(getattr(exc, "params", {}) or {})
    if not code or f"refused_{code}" not in t:
        return str(exc)
    if "role" in params:
        params["role"] = role_label(params["role"], lang)
    if "target" in params:
        params["target"] = t.get("status_" + params["target"], params["target"])
    if "allowed" in params:
        params["allowed"] = ("、" if lang == "zh" else ", ").join(role_label(r.strip(), lang)
                                                                 for r in params["allowed"].split(",") if r.strip())
    if "ability" in params:
        params["ability"] = t.get("ability_" + params["ability"], params["ability"])
    return t[f"refused_{code}"].format(**params)


# Sections a template reads by the code alone (t[ring.pattern], t[claim.visit_type], t[patient.sex]) or with a
# prefix (t['role_' ~ role], t['status_' ~ status], t['change_' ~ kind]); the page's own words come last and win.
_BARE = ("graph", "family", "visit", "sex")
_PREFIXED = ("provider_type", "role", "count", "status", "change")


@cache
def texts(lang: str) -> dict[str, str]:
    """Every word a page may use in ``lang``, by the name templates give it."""
    lang = language(lang)
    out: dict[str, str] = {}
    for name in _BARE:
        out.update(section(name, lang))
    for name in _PREFIXED:
        out.update({f"{name}_{k}": v for k, v in section(name, lang).items()})
    out.update(section("page", lang))
    return out
