"""Users, passwords, roles and the four-eyes rule; working-day deadlines; outcomes per motif (real engine, real Argon2)."""

from __future__ import annotations

from datetime import date

import pytest

from graphfraud.accounts import passwords, store
from graphfraud.case import outcomes
from graphfraud.case.deadlines import add_working_days, appeal_due, overdue
from graphfraud.case.trail import CaseEvent
from graphfraud.case.workflow import offered, refusal
from graphfraud.config import CaseSettings, ConfigError, load_settings
from graphfraud.errors import InputError, SignInError

PASSWORD = "a-good-password"


def test_users_are_stored_hashed_and_sign_in_refuses_without_saying_why(engine) -> None:
    user = store.add(engine, "zhang", "investigator", PASSWORD, display_name="张稽核")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert PASSWORD not in repr(user) and "argon2" not in repr(user)
    assert store.authenticate(engine, "zhang", PASSWORD).shown == "张稽核 (zhang)"
    for name, password in (("zhang", "wrong-password"), ("nobody", PASSWORD), ("../x", PASSWORD)):
        with pytest.raises(SignInError) as refused:
            store.authenticate(engine, name, password)
        assert str(refused.value) == store.SIGN_IN_REFUSED and password not in str(refused.value)
    with pytest.raises(InputError, match="taken"):
        store.add(engine, "zhang", "analyst", PASSWORD)
    with pytest.raises(InputError, match="too short"):
        store.add(engine, "li", "supervisor", "short")
    with pytest.raises(InputError, match="unknown role"):
        store.add(engine, "li", "boss", PASSWORD)
    before = user.stamp
    assert store.set_password(engine, "zhang", "another-password").stamp != before   # old sessions end
    store.set_disabled(engine, "zhang")
    with pytest.raises(SignInError):
        store.authenticate(engine, "zhang", "another-password")


def test_the_first_admin_gets_a_one_time_password_and_the_last_admin_stays(engine) -> None:
    one_time = store.ensure_first_admin(engine)
    assert one_time and len(one_time) >= passwords.MIN_LENGTH
    assert store.ensure_first_admin(engine) is None
    admin = store.authenticate(engine, store.FIRST_ADMIN, one_time)
    assert admin.must_change and admin.role == "admin"
    with pytest.raises(InputError, match="last active admin"):
        store.set_disabled(engine, "admin")
    with pytest.raises(InputError, match="last active admin"):
        store.set_role(engine, "admin", "analyst")


def _step(actor: str, to: str) -> CaseEvent:
    return CaseEvent(event_id="x", seq=1, action="status", from_status="", to_status=to, actor=actor, at="", note="",
                     details={})


def test_roles_and_four_eyes_decide_each_step() -> None:
    first = [_step("zhang", "first_review")]
    assert offered("analyst", "wang", "new", []) == ()
    assert offered("investigator", "zhang", "new", []) == ("first_review", "dismissed")
    assert offered("investigator", "zhang", "first_review", first) == ("dismissed",)
    assert offered("investigator", "zhao", "first_review", first) == ("second_review", "dismissed")
    assert refusal("supervisor", "zhang", "second_review", "confirmed", first).code == "four_eyes"
    assert refusal("supervisor", "li", "second_review", "confirmed", first) is None
    assert refusal("investigator", "zhao", "second_review", "confirmed", first).code == "role"
    assert refusal("investigator", "zhao", "dismissed", "first_review", first).code == "role"   # reopening
    assert refusal("admin", "admin", "new", "first_review", []).code == "role"                # admins decide nothing


def test_a_first_reviewer_stays_barred_after_someone_else_sends_the_case_back() -> None:
    trail = [_step("zhang", "first_review"), _step("li", "second_review"), _step("zhao", "first_review")]
    assert refusal("supervisor", "zhang", "first_review", "second_review", trail).code == "four_eyes"
    assert refusal("supervisor", "zhang", "second_review", "confirmed", trail).code == "four_eyes"
    assert refusal("supervisor", "zhang", "second_review", "referred", trail).code == "four_eyes"
    assert refusal("supervisor", "wang", "second_review", "confirmed", trail) is None


def test_appeal_deadlines_count_working_days_with_the_bureaus_calendar() -> None:
    friday = date(2026, 9, 25)
    assert add_working_days(friday, 1) == date(2026, 9, 28)                          # over the weekend
    national_day = CaseSettings(appeal_working_days=3, holidays=tuple(f"2026-10-0{d}" for d in range(1, 8)),
                                workdays=("2026-10-10",))
    assert appeal_due(date(2026, 9, 30), national_day) == date(2026, 10, 10)          # 10-08, 10-09, Saturday 10-10 (调休)
    assert overdue("appeal", "2026-10-12", date(2026, 10, 13)) and not overdue("appeal", "2026-10-12", date(2026, 10, 12))
    assert not overdue("confirmed", "2026-10-12", date(2027, 1, 1))


def test_case_settings_are_read_strictly(tmp_path) -> None:
    (tmp_path / "graphfraud.toml").write_text('[case]\nappeal_working_days = 15\nholidays = ["2026-10-01"]\n')
    assert load_settings(cwd=tmp_path, env={}).case == CaseSettings(15, ("2026-10-01",), ())
    (tmp_path / "graphfraud.toml").write_text('[case]\nappeal_working_days = 0\n')
    with pytest.raises(ConfigError, match="appeal_working_days"):
        load_settings(cwd=tmp_path, env={})
    (tmp_path / "graphfraud.toml").write_text('[case]\nholidays = ["tomorrow"]\n')
    with pytest.raises(ConfigError, match="not a date"):
        load_settings(cwd=tmp_path, env={})


def test_outcomes_count_confirmed_and_dismissed_rings_per_motif() -> None:
    rings = [{"status": "confirmed", "motifs": ["round_amounts", "off_hours"]}, {"status": "referred", "motifs": ["round_amounts"]},
             {"status": "dismissed", "motifs": "round_amounts, co_visit"}, {"status": "first_review", "motifs": ["co_visit"]}]
    counted = outcomes.count(rings)
    assert (counted["round_amounts"].confirmed, counted["round_amounts"].dismissed) == (2, 1)
    assert counted["round_amounts"].rate == pytest.approx(2 / 3)
    assert counted["co_visit"].open == 1 and counted["co_visit"].rate == 0.0
    assert outcomes.rates(counted, "zh")["off_hours"]["title"] != "off_hours"
