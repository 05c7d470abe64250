"""One SQL dialect for the ledger's own tables, over either backend's cursor."""

from __future__ import annotations

from typing import Any, Sequence


class Cursor:
    """One SQL dialect for the ledger's own tables: `?` placeholders on both backends."""

    def __init__(self, raw: Any, postgres: bool) -> None:
        self.raw, self.postgres = raw, postgres

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> "Cursor":
        self.raw.execute(self._sql(sql), params)
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.raw.executemany(self._sql(sql), rows)

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in self.raw.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        r = self.raw.fetchone()
        if r is None:
            return None
        return tuple(r.values()) if isinstance(r, dict) else tuple(r)
