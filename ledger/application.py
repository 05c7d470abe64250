"""The Ledger application: the only writer of events, and the bitemporal reader.

The Ledger composes the event store's `Application` with its writes (`ledger.writing`) and reads
(`ledger.reading`); what a posted event is lives in `ledger.requests`.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Any, Callable

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Transcoding

from ledger import disclosures, unit_names
from ledger.bulk import Bulk
from ledger.config import ConfigurationError, database_url, event_store_env, whole_number
from ledger.reading import Reading
from ledger.sealing import DisclosureBox, default_key_path, load_or_create_key
from ledger.rules.book import rulebook_from
from ledger.storage import AggregateCache
from ledger.writing import Writing

AGGREGATE_CACHE_DEFAULT = 2000  # streams per process; `JEJAK_AGGREGATE_CACHE=0` turns it off


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class Ledger(Bulk, Writing, Reading, Application):
    """Jejak's event store: validate, apply the rules, record atomically, read bitemporally."""

    name = "jejak"

    def __init__(self, url: str | None = None, env: dict[str, str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        # No snapshots, ever: a snapshot row is a claim about a stream that nothing in the tree
        # covers, so one inserted row changed what was served while the events and `verify`
        # said otherwise (issue 14). Reads fold the events; the aggregate cache keeps hot streams.
        super().__init__(env={**event_store_env(url), **(env or {}), "IS_SNAPSHOTTING_ENABLED": "n"})
        # The recording time is the ledger's own clock; only tests and the demo's simulated
        # history pass another one. Callers never supply recording times.
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        # Our own cache of aggregates, unless the library's is configured (the demo's bulk load).
        cache = self.env.get("JEJAK_AGGREGATE_CACHE") or str(AGGREGATE_CACHE_DEFAULT)
        try:
            size = whole_number(cache, 0)
        except ValueError as exc:
            raise ConfigurationError(f"JEJAK_AGGREGATE_CACHE={cache!r}: {exc}") from None
        self.aggregates = AggregateCache(size) if size > 0 and not self.repository.cache else None
        self._positions, self._kept = {}, 0  # kept by `position_of` beside the aggregate cache, off with it
        # Compliance rules switched off or re-graded by the deployment (`JEJAK_RULES`), never in code.
        self.rulebook = rulebook_from(self.env.get("JEJAK_RULES") or None)
        self.key_path = default_key_path(database_url(url))  # the personal-data key, read when first needed
        self._box: DisclosureBox | None = None
        if (self.env.get("CREATE_TABLE") or "true").lower() not in ("false", "n", "no", "0"):
            unit_names.backfill(self)

    def disclosure_box(self) -> DisclosureBox:
        """The box over the personal-data key (`JEJAK_CONTACT_KEY`), created with the key when missing."""
        if self._box is None:
            self._box = DisclosureBox(load_or_create_key(self.key_path))
        return self._box

    def reveal(self, docs: list[dict[str, Any]], may_see: Callable[[str], bool]) -> dict[str, set[str]]:
        """Markers in `docs` replaced for a principal (`ledger.disclosures.reveal`); who was revealed."""
        return disclosures.reveal(self.recorder, self.disclosure_box, docs, may_see)

    def disclosed_for(self, may_see: Callable[[str], bool]) -> Callable[[int, set[int]], list[dict[str, Any]]]:
        """What an export carries for a reader who may see the fields `may_see` allows (`bundle.export`)."""
        return lambda size, positions: disclosures.for_export(self.recorder, self.disclosure_box(), size,
                                                              positions, may_see)

    def disclosure_problems(self) -> tuple[list[tuple[int, str]], bool]:
        """`verify`'s check of the personal data kept apart: (position, message) problems, and whether
        the disclosures themselves were opened and checked (only when the key file is there)."""
        box = self.disclosure_box() if self._box is not None or self.key_path.exists() else None
        return disclosures.problems(self.recorder, box), box is not None

    def snapshot_problems(self) -> list[tuple[int, str]]:
        """(position, message) for each snapshot row a database still holds that disagrees with its
        stream. Jejak never reads snapshots; rows may remain from earlier versions or be inserted
        by an insider, and `jejak verify` names every one that is not the fold of its events."""
        table = self._snapshot_table()
        if table is None:
            return []
        problems = []
        for sid, version, topic, state in self.recorder.query(
                f"SELECT originator_id, originator_version, topic, state FROM {table}"):
            sid = uuid.UUID(str(sid))
            position = self.position_of(sid, int(version)) or 1
            try:
                snapshot = self.mapper.to_domain_event(StoredEvent(sid, int(version), topic, bytes(state)))
                claimed = snapshot.mutate(None).state()
            except Exception as exc:  # noqa: BLE001 - whatever it holds, it is reported, never served
                problems.append((position, f"snapshot of stream {sid} at version {version} is unreadable "
                                           f"({type(exc).__name__}); Jejak never reads snapshots"))
                continue
            aggregate = None
            for event in self.events.get(sid, lte=int(version)):
                aggregate = event.mutate(aggregate)
            if aggregate is None or aggregate.version != int(version) or aggregate.state() != claimed:
                problems.append((position, f"snapshot of stream {sid} at version {version} disagrees with its "
                                           "events (never served: Jejak reads only the events)"))
        return problems

    def _snapshot_table(self) -> str | None:
        for table in ("stored_snapshots", "jejak_snapshots"):
            sql = ("SELECT to_regclass(?) IS NOT NULL" if self.recorder.postgres else
                   "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?")
            if self.recorder.query(sql, (table,))[0][0]:
                return table
        return None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def open_reader(url: str) -> Ledger:
    """A ledger that only reads (creates no tables): what `verify`'s worker processes open."""
    return Ledger(url, env={"CREATE_TABLE": "false"})
