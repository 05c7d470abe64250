"""What every catalogued event shares: the base classes, the catalogue itself and common field shapes."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from eventsourcing.domain import AggregateCreated, AggregateEvent

from ledger import rules
from ledger.fields import Choice, Field, Obj, Str


class LedgerEvent(AggregateEvent):
    """Base of every stored event: business `data` plus audit `meta`."""

    data: dict[str, Any]
    meta: dict[str, Any]

    STREAM: ClassVar[str] = ""
    RECORDED_BY: ClassVar[str | None] = None  # a system principal that alone may record this type (None: any)
    TMT: ClassVar[bool] = False
    LEGAL_BASIS: ClassVar[bool] = False
    DATA: ClassVar[dict[str, Field]] = {}

    def apply(self, aggregate: Any) -> None:
        aggregate.add_fact(self)


class LedgerCreated(LedgerEvent, AggregateCreated):
    """Base of the first event of a stream."""


CATALOGUE: dict[str, type[LedgerEvent]] = {}
E = TypeVar("E", bound=type[LedgerEvent])


def catalogued(cls: E) -> E:
    """Enter an event class in the catalogue; its stored topic stays `ledger.events:<Name>`.

    The topic (module and class name) is stored with every event, so the module that declares
    a class is not part of it: every catalogued class says it is `ledger.events`'s, where it is
    re-exported (a rename needs `register_topic`).
    """
    cls.__module__ = "ledger.events"
    CATALOGUE[cls.__name__] = cls
    return cls


POSITION = Obj({"type": Choice(rules.POSITION_TYPES), "title": Str(max_length=200)})
RATING = Choice(rules.RATINGS)
EVENT_ID = Str(pattern=r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", max_length=36)
UNIT_CODE = Str(max_length=40, pattern=r"[A-Z0-9][A-Z0-9-]*")
