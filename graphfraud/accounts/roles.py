"""The roles a user has, as the bureaus' review chain and tools like IBM i2 divide the work.

- ``analyst`` (分析员): reads everything, adds notes; takes no review step.
- ``investigator`` (稽核员): first review (初审), second review (复审, not of a
  case they reviewed first), records the institution's appeal and the
  investigation, dismisses, exports case bundles.
- ``supervisor`` (科长/负责人): everything an investigator may, plus the
  decisions — confirm (确认违规), refer to the police (移送公安), reopen —
  assignment and bulk actions.
- ``admin`` (系统管理员): manages users; reads and exports; takes no review step
  (separation of duties: whoever makes accounts does not decide cases).
"""

from __future__ import annotations

from graphfraud.words import word

# The roles (their words: ``account_role.*`` in graphfraud/words.toml).
ROLES = ("analyst", "investigator", "supervisor", "admin")

# What each role may do beyond reading (case steps by status are in graphfraud.case.workflow.STEP_ROLES).
ABILITIES: dict[str, tuple[str, ...]] = {
    "note": ("analyst", "investigator", "supervisor"),
    "export": ("investigator", "supervisor", "admin"),
    "assign": ("supervisor",),
    "bulk": ("supervisor",),
    "users": ("admin",),
}


def role_label(role: str, lang: str = "zh") -> str:
    """The role as people read it (the code itself for an unknown one)."""
    return word(f"account_role.{role}", lang, role)


def may(role: str, ability: str) -> bool:
    """Whether ``role`` may ``ability`` (note, export, assign, bulk, users)."""
    return role in ABILITIES.get(ability, ())
