"""`jejak serve` (gunicorn, one ledger per worker) and `jejak keys create|list|revoke`."""

from __future__ import annotations

import sys
from typing import Any

import click

from api.cli.opening import database, opened
from api.keys import ROLES, KeyProblem, KeyStore
from ledger.config import is_postgres


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="processes, each building its own ledger once [default: 1 on SQLite, 2 on PostgreSQL]")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256),
              help="threads per worker, sharing that worker's ledger")
@click.option("--timeout", default=120, show_default=True, type=int, help="seconds before a stuck worker restarts")
def serve(host: str, port: int, workers: int | None, threads: int, timeout: int) -> None:
    """Serve the HTTP API with gunicorn (settings from the environment: `jejak config` shows them)."""
    from gunicorn.app.base import BaseApplication

    from api.bootstrap import build_services
    from api.cli.opening import database
    from api.jsonlog import logconfig
    from ledger.settings import SettingError, load

    try:  # every setting checked before anything opens or forks; a wrong one is named
        settings = load()
    except SettingError as exc:
        click.echo(f"jejak serve: {exc}", err=True)
        sys.exit(2)
    _share_metrics_between_workers()
    url = database(create=True)
    try:  # create every table once, here, so the workers never race to create them
        build_services(url).close()
        from api.migrate import upgrade

        upgrade(url)  # then the schema's migrations (api/migrations), once, before the workers fork
    except Exception as exc:  # noqa: BLE001 - any connection problem is a configuration error
        raise click.ClickException(f"JEJAK_DATABASE_URL={url!r}: cannot open the database ({exc})") from exc
    _prepare_signing_key()
    if workers is None:  # SQLite has one writer: a second process only adds busy-wait back-off
        workers = 2 if is_postgres(url) else 1

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "timeout": timeout,
                               # No text access line: the JSON `jejak.access` line says it all, once
                               # (api/observability.py); gunicorn's redacted logger stays for its own lines.
                               "accesslog": None, "logger_class": redacting_logger(), "preload_app": False,
                               "logconfig_dict": logconfig(settings["JEJAK_LOG_LEVEL"])}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from api import create_app
            return closing_after_refused_bodies(create_app({"DATABASE_URL": url, "SETTINGS": settings}))

    click.echo(f"jejak: serving {url.split('@')[-1]} on http://{host}:{port} "
               f"({workers} workers x {threads} threads)", err=True)
    Server().run()


def _share_metrics_between_workers() -> None:
    """prometheus_client's multiprocess mode, so a scrape of any worker counts every worker's requests.

    Set before the workers fork and import prometheus_client; a directory left by an earlier run
    would add its counts to this one's, so its files are removed (a fresh directory when unset).
    """
    import atexit
    import os
    import shutil
    import tempfile
    from pathlib import Path

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        for stale in Path(directory).glob("*.db"):
            stale.unlink()
    else:
        made, master = tempfile.mkdtemp(prefix="jejak-metrics-"), os.getpid()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
        atexit.register(lambda: os.getpid() == master and shutil.rmtree(made, ignore_errors=True))


def closing_after_refused_bodies(app: Any) -> Any:
    """The WSGI app, with the connection closed after a 413: the body it refused was never read, so the
    connection must not be kept alive. gunicorn drops an application's `Connection` header and would answer
    `keep-alive`, then read the unread body to find the next request; `force_close` makes it say `close`
    and close gracefully (RFC 9112, 9.6)."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status.startswith("413"):
                server_response = getattr(start_response, "__self__", None)
                if hasattr(server_response, "force_close"):
                    server_response.force_close()
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wsgi


def redacting_logger() -> type:
    """gunicorn's logger, with anything shaped like a Jejak token, a NIP or a ticket blanked from every
    access-log field.

    The format never logs headers or query strings, but a client may still paste its token into a
    URL path (`/v1/events/jjk_...`), and paths carry NIPs and tickets: the log must not keep them.
    """
    from gunicorn.glogging import Logger

    from api.jsonlog import redact

    class RedactingLogger(Logger):
        # gunicorn builds and writes its text access line whenever a `logconfig_dict` is given, as `serve`
        # gives one: a second line per request on stdout, beside the JSON `jejak.access` line, and a tenth of
        # a single append's CPU time. Only an `accesslog` asked for in gunicorn's own settings writes it.
        @property
        def access_log_enabled(self) -> bool:
            return bool(self.cfg.accesslog)

        def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
            if self.cfg.accesslog:
                super().access(resp, req, environ, request_time)

        def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
            return {k: redact(v) if isinstance(v, str) else v
                    for k, v in super().atoms(resp, req, environ, request_time).items()}

    return RedactingLogger


def _prepare_signing_key() -> None:
    """The contract has `serve` create the signing key when missing (integrity module, when present)."""
    try:
        from api.cli import integrity as cli_integrity
    except ImportError:
        return
    ensure = getattr(cli_integrity, "ensure_signing_key", None)
    if ensure is not None:
        ensure()


@click.group()
def keys() -> None:
    """API keys: create (token shown once), list, revoke."""


@keys.command("create")
@click.option("--name", required=True, help="the principal; becomes the `actor` of its events")
@click.option("--role", required=True, type=click.Choice(ROLES))
def keys_create(name: str, role: str) -> None:
    """Create a key and print its token once; only its hash is stored."""
    url = database(create=True)  # keys may be made before the first `jejak serve`
    try:
        store = opened(url, lambda: KeyStore(url))
        token = store.create(name, role)
        store.close()
    except KeyProblem as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(token)
    click.echo(f"key {name!r} ({role}) created; the token above is shown only once", err=True)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the keys as JSON")
def keys_list(as_json: bool) -> None:
    """List keys (names, roles, dates; never tokens)."""
    url = database(can_create=False)
    store = opened(url, lambda: KeyStore(url))
    rows = store.list()
    store.close()
    if as_json:
        import json

        click.echo(json.dumps(rows, default=str))
        return
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        click.echo(f"{row['name']}\t{row['role']}\t{row['created_at']}\t{state}")


@keys.command("revoke")
@click.argument("name")
def keys_revoke(name: str) -> None:
    """Revoke a key; effective on the next request."""
    url = database(create=True)  # on a new database: "no active key named ...", as anywhere else
    try:
        store = opened(url, lambda: KeyStore(url))
        try:
            store.revoke(name)
        finally:
            store.close()
    except KeyProblem as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"key {name!r} revoked")


COMMANDS = [serve, keys]

