"""``graphfraud case``: a ring as a case — export and verify bundles, walk the review chain, read the trail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, Group, err, errors_as_exit, flag, opened_engine, out, settings_from
from graphfraud.cli.identity import PasswordStdinOpt, UserOpt, acting, sign_in
from graphfraud.vocabulary import Language

case_app = typer.Typer(cls=Group, help="A ring as a case: bundles for police referral (移送公安), review steps, the audit trail.",
                       no_args_is_help=True)


@case_app.command("export")
def export(
    ring_id: Annotated[str | None, typer.Argument(help="The ring to export (omit with --top).")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="The bundle to write (a .zip).", dir_okay=False)] = None,
    top: Annotated[int, typer.Option("--top", help="Export the N highest-scoring stored rings instead of one.", min=0)] = 0,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Folder for --top bundles (<ring>.zip each).", file_okay=False)] = None,
    redact: Annotated[bool, flag("--redact", help="Mask names, ID numbers, phones and addresses in every file.")] = False,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the report and tables.")] = Language.ZH,
    sign_key: Annotated[Path | None, typer.Option(
        "--sign-key", help="The bureau's private key (graphfraud case keygen): sign the manifest (signature.ed25519).",
        envvar="GRAPHFRAUD_SIGN_KEY", show_envvar=True)] = None,
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Write a case bundle: report.pdf, evidence tables (CSV, XLSX), graph.html/png, queries.cypher, manifest.json."""
    from graphfraud.bundle import export_bundle
    from graphfraud.bundle.sign import load_signer
    from graphfraud.detect.store import stored_rings
    from graphfraud.errors import InputError
    from graphfraud.progress import bar

    with errors_as_exit():
        if (ring_id is None) == (top == 0):
            raise InputError("give either RING_ID with --out, or --top N with --out-dir")
        if ring_id is not None and out_file is None:
            raise InputError("give the bundle's file name with --out, e.g. --out bundle.zip")
        if top and out_dir is None:
            raise InputError("give a folder for the bundles with --out-dir")
        signer = load_signer(sign_key) if sign_key is not None else None   # before the database is opened
    from graphfraud.case.steps import check_allowed

    settings = settings_from(engine, config, db)
    with opened_engine(settings, migrate=True) as eng:
        with errors_as_exit():
            exporter = sign_in(eng, user, password_stdin)
            check_allowed(exporter, "export")
        who = exporter.username
        if top:
            assert out_dir is not None  # refused above: --top needs --out-dir
            targets = [(r["ring_id"], out_dir / f"{r['ring_id']}{'-redacted' if redact else ''}.zip")
                       for r in stored_rings(eng)[:top]]
            if not targets:
                with errors_as_exit():
                    raise InputError("no rings stored in the graph; run detect first")
        else:
            assert ring_id is not None and out_file is not None  # refused above: RING_ID needs --out
            targets = [(ring_id, out_file)]
        written = []
        with errors_as_exit(), bar("bundles", len(targets)) as advance:
            for rid, path in targets:
                written.append(export_bundle(eng, rid, path, actor=who, redact=redact, lang=lang,
                                             thresholds=settings.detect, signer=signer))
                advance(rid)
    for path in written:
        out.print(f"wrote {escape(str(path))}" + (f" (signed by {signer.fingerprint})" if signer else ""))


@case_app.command("keygen")
def keygen(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for bureau.key (private, mode 0600) and bureau.pub.",
                                          file_okay=False)],
) -> None:
    """Make the bureau's Ed25519 key pair for signing bundles; give bureau.pub to whoever checks them."""
    from graphfraud.bundle.sign import generate_keys

    with errors_as_exit():
        private, public, fingerprint = generate_keys(out_dir)
    out.print(f"wrote {escape(str(private))} (private: keep it on this machine, readable by you only) and "
              f"{escape(str(public))} (public: give it with the bundles); fingerprint {fingerprint}", soft_wrap=True)


@case_app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="The bundle (.zip) to check.")],
    trail: Annotated[bool, flag("--trail", help="Also require the export to be on the ring's case trail (needs the graph).")] = False,
    public_key: Annotated[Path | None, typer.Option(
        "--public-key", help="The bureau's public key (bureau.pub): also require its signature over the manifest "
                             "(no database needed).")] = None,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Check a bundle against its manifest: exit 0 intact, 1 altered (names each file) or not signed by --public-key, 2 unreadable."""
    from graphfraud.bundle import verify_bundle
    from graphfraud.bundle.sign import load_public_key
    from graphfraud.bundle.verify import describe, recorded_export

    with errors_as_exit():
        key = load_public_key(public_key) if public_key is not None else None
    result = verify_bundle(bundle)
    if not result.readable:
        err.print(f"[bold red]unreadable:[/] {escape(result.error or '')}", soft_wrap=True)
        raise typer.Exit(2)
    m = result.manifest or {}
    where = describe(result.manifest)
    signed = ""
    if key is not None and result.intact:
        refused = result.check_signature(key)
        if refused is not None:
            err.print(f"[bold red]refused:[/] {escape(str(bundle))}: {escape(refused)}", soft_wrap=True)
            raise typer.Exit(1)
        signed = f"; signature ok: signed by {result.signed_by}"
    elif result.signed_by and result.intact:
        signed = f"; signed by {escape(result.signed_by[:80])} (give --public-key to check the signature)"
    if result.intact and trail:
        with opened_engine(settings_from(engine, config, db), read_only=True, migrate=True) as eng:
            step = recorded_export(eng, result)
        if step is None:
            err.print(f"[bold red]altered:[/] files match the manifest, but no export with manifest sha256 "
                      f"{result.manifest_sha256} is on the trail of ring {escape(str(m.get('ring_id')))}", soft_wrap=True)
            raise typer.Exit(1)
        out.print(f"on the trail: step {step.seq}, exported {escape(step.at)} by {escape(step.actor)}")
    if result.intact:
        out.print(f"intact: {len(m.get('files', {}))} files match manifest.json ({escape(where)}); "
                  f"manifest sha256 {result.manifest_sha256}{signed}", soft_wrap=True)
        return
    for label, names in (("changed", result.changed), ("added", result.added), ("removed", result.removed)):
        for name in names:
            out.print(f"{label}: {escape(name)}")
    err.print(f"[bold red]altered:[/] {escape(str(bundle))} no longer matches its manifest ({escape(where)})", soft_wrap=True)
    raise typer.Exit(1)


@case_app.command("history")
def history(ring_id: Annotated[str, typer.Argument(help="The ring.")], engine: EngineOpt = None,
            config: ConfigOpt = None, db: DbOpt = None) -> None:
    """Show the ring's case trail: every review step, note and export, oldest first."""
    from graphfraud.accounts.store import display_names
    from graphfraud.case import trail
    from graphfraud.case.workflow import label

    with opened_engine(settings_from(engine, config, db), read_only=True, migrate=True) as eng, errors_as_exit():
        status = trail.current_status(eng, ring_id)
        steps = trail.history(eng, ring_id)
        names = display_names(eng)
    table = Table("#", "when", "who", "action", "status", "note", title=f"{ring_id}: {label(status)} ({status})")
    for e in steps:
        moved = f"{e.from_status} → {e.to_status}" if e.from_status != e.to_status else e.to_status
        note = e.note + (f" [{e.details.get('manifest_sha256', '')[:12]}…]" if e.action == "export" else "")
        if e.action == "assign":
            note = f"→ {names.get(e.details.get('assignee') or '', e.details.get('assignee') or 'nobody')}  {note}"
        if e.details.get("due"):
            note = f"appeal due {e.details['due']}  {note}"
        table.add_row(str(e.seq), e.at, escape(names.get(e.actor, e.actor)), e.action, moved, escape(note.strip()))
    out.print(table)


@case_app.command("step")
def step(
    ring_id: Annotated[str, typer.Argument(help="The ring.")],
    to: Annotated[str, typer.Option("--to", help="Status to move to (first_review, second_review, appeal, investigation, confirmed, dismissed, referred).")],
    note: Annotated[str, typer.Option("--note", help="Why (kept on the trail).")] = "",
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Move the case one step along the review chain (new → 初审 → 复审 → … → 移送), as --user (role and four eyes apply)."""
    from graphfraud.case import steps
    from graphfraud.case.workflow import label

    settings = settings_from(engine, config, db)
    with acting(settings, user, password_stdin) as (eng, who):
        event = steps.take_step(eng, ring_id, who, "status", note, to_status=to, case_settings=settings.case)
    due = f"; appeal due {event.details['due']}" if event.details.get("due") else ""
    out.print(f"{ring_id}: {label(event.from_status)} → {label(event.to_status)} (step {event.seq}){due}")


@case_app.command("note")
def note(
    ring_id: Annotated[str, typer.Argument(help="The ring.")],
    text: Annotated[str, typer.Argument(help="The note.")],
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Add a note to the ring's trail without changing its status, as --user."""
    from graphfraud.case import steps

    with acting(settings_from(engine, config, db), user, password_stdin) as (eng, who):
        event = steps.take_step(eng, ring_id, who, "note", text)
    out.print(f"{ring_id}: note recorded (step {event.seq})")


@case_app.command("assign")
def assign(
    ring_id: Annotated[str, typer.Argument(help="The ring.")],
    to: Annotated[str, typer.Option("--to", help="The investigator or supervisor to give the case to ('' to unassign).")],
    note: Annotated[str, typer.Option("--note", help="Why (kept on the trail).")] = "",
    user: UserOpt = None,
    password_stdin: PasswordStdinOpt = False,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Give the case to an investigator (a supervisor assigns); it shows in their 我的案件 / My cases."""
    from graphfraud.case import steps

    with acting(settings_from(engine, config, db), user, password_stdin) as (eng, who):
        event = steps.take_step(eng, ring_id, who, "assign", note, assignee=to.strip() or None)
    out.print(f"{ring_id}: assigned to {escape(to.strip() or 'nobody')} (step {event.seq})")


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
