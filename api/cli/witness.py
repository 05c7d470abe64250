"""`jejak witness`: Jejak as a c2sp.org/tlog-witness for other logs (the Inspektorat or the BKN
regional office witnessing Binjai's ledger), configured by one JSON file:

    {"name": "inspektorat.binjaikota.go.id/witness", "key_file": "witness.key",
     "state_file": "witness-state.json",
     "logs": [{"origin": "binjaikota.go.id/jejak", "vkey": "binjaikota.go.id/jejak+1a2b3c4d+AQ…"}]}

Relative paths are read beside the configuration file. The state file is the witness's memory
(the latest size and root it cosigned per log): back it up, and never roll it back.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import click

from api.cli.integrity import EXIT_USAGE


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the library's name
        click.echo(f"witness: {self.address_string()} {format % args}", err=True)


def load(config: str, init: bool = False) -> Any:
    """The configured Witness, or exit 2 naming what is wrong in the file."""
    from ledger.integrity.checkpoints import create_key_file, load_key_file
    from ledger.integrity.witness import Witness

    path = Path(config)
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
        here = path.resolve().parent
        key_file, state_file = here / settings["key_file"], here / settings["state_file"]
        logs = {log["origin"]: log.get("vkeys") or [log["vkey"]] for log in settings["logs"]}
        if init and not key_file.exists():
            create_key_file(key_file)
        return Witness(settings["name"], load_key_file(key_file), logs, state_file)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        click.echo(f"jejak witness: --config {config}: {getattr(exc, 'message', None) or exc!r}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # noqa: BLE001 - a missing key file is the ledger's NotFound, with its advice
        click.echo(f"jejak witness: --config {config}: {getattr(exc, 'message', exc)} (or pass --init)", err=True)
        sys.exit(EXIT_USAGE)


@click.command()
@click.option("--config", required=True, type=click.Path(dir_okay=False), help="the witness's JSON configuration")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option("--init", is_flag=True, help="create the witness key named in the configuration when it is missing")
@click.option("--print-vkey", is_flag=True, help="print the witness's verifier key (for JEJAK_WITNESSES) and exit")
def witness(config: str, host: str, port: int, init: bool, print_vkey: bool) -> None:
    """Serve POST /add-checkpoint (c2sp.org/tlog-witness) for the logs in --config."""
    from ledger.integrity.witness import wsgi_app

    w = load(config, init)
    if print_vkey:
        click.echo(w.vkey)
        return
    server = make_server(host, port, wsgi_app(w), server_class=_Server, handler_class=_Quiet)
    click.echo(f"witness {w.name} listening on http://{host}:{server.server_port}; verifier key {w.vkey}",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [witness]
