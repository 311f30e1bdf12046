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
from graphfraud.errors import InputError, NotPermitted, PasswordExpired, SignInError

PASSWORD = "a-good-password"
ADMIN_PASSWORD = "the-admins-password"


def test_users_are_stored_hashed_and_sign_in_refuses_without_saying_why(engine) -> None:
    store.add_first_admin(engine, "admin", ADMIN_PASSWORD, must_change=False)
    user = store.add(engine, "zhang", "investigator", PASSWORD, display_name="张稽核", actor="admin")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert PASSWORD not in repr(user) and "argon2" not in repr(user)
    assert store.authenticate(engine, "zhang", PASSWORD).shown == "张稽核 (zhang)"
    for name, password in (("zhang", "wrong-password"), ("nobody", PASSWORD), ("../x", PASSWORD)):
        with pytest.raises(SignInError) as refused:
            store.authenticate(engine, name, password)
        assert str(refused.value) == store.SIGN_IN_REFUSED and password not in str(refused.value)
    with pytest.raises(InputError, match="taken"):
        store.add(engine, "zhang", "analyst", PASSWORD, actor="admin")
    with pytest.raises(InputError, match="too short"):
        store.add(engine, "li", "supervisor", "short", actor="admin")
    with pytest.raises(InputError, match="unknown role"):
        store.add(engine, "li", "boss", PASSWORD, actor="admin")
    before = user.stamp
    assert store.set_password(engine, "zhang", "another-password", actor="zhang").stamp != before   # old sessions end
    store.set_disabled(engine, "zhang", actor="admin")
    with pytest.raises(SignInError):
        store.authenticate(engine, "zhang", "another-password")


def test_the_first_admin_gets_a_one_time_password_and_no_admin_changes_their_own_account(engine) -> None:
    one_time = store.ensure_first_admin(engine)
    assert one_time and len(one_time) >= passwords.MIN_LENGTH
    assert store.ensure_first_admin(engine) is None
    admin = store.authenticate(engine, store.FIRST_ADMIN, one_time)
    assert admin.must_change and admin.role == "admin" and admin.expires and not admin.expired()
    store.set_password(engine, "admin", ADMIN_PASSWORD, actor="admin")
    assert not store.get(engine, "admin").must_change
    with pytest.raises(InputError, match="own account"):
        store.set_disabled(engine, "admin", actor="admin")
    with pytest.raises(InputError, match="own role"):
        store.set_role(engine, "admin", "supervisor", actor="admin")   # an admin never makes themselves a reviewer
    with pytest.raises(NotPermitted):
        store.add_first_admin(engine, "root", PASSWORD)                 # the bootstrap is for an empty user list only
    store.add(engine, "root2", "admin", PASSWORD, actor="admin")
    store.set_disabled(engine, "root2", actor="admin")
    with pytest.raises(NotPermitted):                                   # a disabled admin manages nobody
        store.set_role(engine, "admin", "analyst", actor="root2")
    assert store.get(engine, "admin").role == "admin"
    assert [(e.actor, e.action, e.target) for e in store.account_log(engine)] == [
        (store.SYSTEM_ACTOR, "created", "admin"), ("admin", "password", "admin"), ("admin", "created", "root2"),
        ("admin", "disabled", "root2")]


def test_a_reset_is_a_one_time_password_that_expires_and_every_change_is_logged_without_secrets(engine) -> None:
    store.add_first_admin(engine, "admin", ADMIN_PASSWORD, must_change=False)
    store.add(engine, "zhang", "investigator", PASSWORD, actor="admin")
    with pytest.raises(NotPermitted):                                   # nobody sets another user's password
        store.set_password(engine, "zhang", "admin-knows-this", actor="admin")
    with pytest.raises(NotPermitted):                                   # only an admin adds users
        store.add(engine, "li", "supervisor", PASSWORD, actor="zhang")
    user, one_time = store.reset_password(engine, "zhang", actor="admin")
    assert user.must_change and user.expires and one_time != PASSWORD
    with pytest.raises(SignInError):
        store.authenticate(engine, "zhang", PASSWORD)                   # the owner notices: their password is gone
    assert store.authenticate(engine, "zhang", one_time).must_change
    store.set_role(engine, "zhang", "supervisor", actor="admin")
    _, late = store.reset_password(engine, "zhang", actor="admin", one_time_hours=0)   # expired at once
    with pytest.raises(PasswordExpired):
        store.authenticate(engine, "zhang", late)
    with pytest.raises(SignInError) as wrong:                           # a wrong one still says nothing more
        store.authenticate(engine, "zhang", "not-the-password")
    assert not isinstance(wrong.value, PasswordExpired)
    log = store.account_log(engine)
    assert [(e.actor, e.action, e.target) for e in log] == [
        (store.SYSTEM_ACTOR, "created", "admin"), ("admin", "created", "zhang"), ("admin", "reset", "zhang"),
        ("admin", "role", "zhang"), ("admin", "reset", "zhang")]
    assert log[3].detail == "investigator → supervisor" and "one-time password until" in log[2].detail
    stored = store.get(engine, "zhang").password_hash
    for e in log:
        for secret in (PASSWORD, ADMIN_PASSWORD, one_time, late, stored, "$argon2"):
            assert secret not in f"{e.at} {e.actor} {e.action} {e.target} {e.detail}"


def test_an_expired_first_admin_password_is_issued_again_only_while_nobody_else_exists(engine) -> None:
    first = store.ensure_first_admin(engine, one_time_hours=0)
    with pytest.raises(PasswordExpired):
        store.authenticate(engine, "admin", first)
    again = store.ensure_first_admin(engine)
    assert again and again != first and store.authenticate(engine, "admin", again).must_change
    assert [(e.actor, e.action) for e in store.account_log(engine)] == [(store.SYSTEM_ACTOR, "created"),
                                                                        (store.SYSTEM_ACTOR, "reset")]
    store.set_password(engine, "admin", ADMIN_PASSWORD, actor="admin")
    store.add(engine, "zhang", "investigator", PASSWORD, actor="admin", must_change=True, one_time_hours=0)
    assert store.ensure_first_admin(engine) is None


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
