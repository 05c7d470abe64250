"""The one place that wires the ledger, the read models and the key store for a process."""

from __future__ import annotations

from dataclasses import dataclass

from api.keys import KeyStore
from ledger.application import Ledger
from ledger.checkpoints import Checkpointer, checkpointer_from_env
from ledger.store import database_url
from projections.runner import Projections


@dataclass
class Services:
    """Built once per process and shared by all its threads; never per request."""

    url: str
    ledger: Ledger
    projections: Projections
    keys: KeyStore
    checkpointer: Checkpointer | None = None

    def after_write(self) -> None:
        """Catch the read models up inline, so a writer reads its own writes."""
        self.projections.catch_up(self.ledger)
        if self.checkpointer is not None:
            self.checkpointer.maybe_issue()  # every N events or M seconds (ledger/checkpoints.py)

    def close(self) -> None:
        self.projections.close()
        self.keys.close()
        self.ledger.close()


def build_services(url: str | None = None) -> Services:
    url = database_url(url)
    ledger = Ledger(url)
    return Services(url=url, ledger=ledger, projections=Projections(url), keys=KeyStore(url),
                    checkpointer=checkpointer_from_env(ledger.recorder, url))
