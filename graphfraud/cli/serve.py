"""``graphfraud serve``: the investigator workbench in a browser (rings, entities, graphs, the case trail)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from graphfraud.cli.common import ConfigOpt, DbOpt, EngineOpt, err, errors_as_exit, opened_engine, settings_from
from graphfraud.vocabulary import Language


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; anything but loopback needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)] = 8765,
    token: Annotated[str | None, typer.Option("--token", help="Access token every request must carry (≥ 16 characters).",
                                                 envvar="GRAPHFRAUD_TOKEN", show_envvar=True)] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="Another name the workbench is reached by (a DNS name, a reverse proxy's); repeat for more. "
                             "Requests naming any other host are refused.",
        envvar="GRAPHFRAUD_ALLOW_HOSTS", show_envvar=True)] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Default language of the pages (?lang= or the switch changes it).")] = Language.ZH,
    engine: EngineOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """Serve the workbench: rings by score, ring and entity pages with graphs, and the case trail."""
    from graphfraud.accounts.store import FIRST_ADMIN, ensure_first_admin
    from graphfraud.web.app import serve as run
    from graphfraud.web.security import Hosts, check_bind

    with errors_as_exit():
        check_bind(host, token)
        Hosts(host, allow_host or ())  # a bad --allow-host is refused before anything is opened
    settings = settings_from(engine, config, db)
    if settings.engine == "embedded" and not settings.embedded_path.exists():
        from graphfraud.errors import InputError

        with errors_as_exit():
            raise InputError(f"no embedded database at {settings.embedded_path}: load and detect first "
                             "(graphfraud detect --input FOLDER --out OUT), or point --db / GRAPHFRAUD_DB at one")
    store = settings.neo4j.uri if settings.engine == "neo4j" else str(settings.embedded_path.resolve())
    with opened_engine(settings, migrate=True) as eng:
        shown = f"[{host}]" if ":" in host else host
        err.print(f"graphfraud workbench on http://{escape(shown)}:{port}/ ({eng.name}: {escape(store or '')})"
                  + (" — open it with ?token=<your token> once" if token else "") + "; Ctrl+C stops it")
        if not eng.shared_store:
            err.print("the embedded database stays locked while the workbench runs: stop it before `graphfraud load`/`detect`")
        hours = settings.accounts.one_time_password_hours
        with errors_as_exit():
            first = ensure_first_admin(eng, one_time_hours=hours)
        if first is not None:
            # shown once, on the terminal that started the workbench, and never again (it is in no log or file)
            err.print(f"\n[bold]first admin[/] — sign in as [bold]{FIRST_ADMIN}[/] with this ONE-TIME password "
                      f"(shown only now, never again; it expires in {hours} h and must be changed at the first "
                      f"sign-in):\n\n    [bold]{escape(first)}[/]\n\nthen add your investigators under 用户管理 / "
                      "Users or with graphfraud users add. Clear this terminal's scroll-back once you have signed "
                      "in.\n", soft_wrap=True)
        with errors_as_exit():
            run(eng, host=host, port=port, token=token, lang=lang, store=store or "", allowed_hosts=allow_host or (),
                settings=settings)


def register(app: typer.Typer) -> None:
    app.command()(serve)
