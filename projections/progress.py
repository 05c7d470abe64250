"""The progress bar of a rebuild on a terminal: events/s and ETA."""

from __future__ import annotations

from typing import Any, Callable


def _rate_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        """Events per second."""

        def render(self, task: Any) -> Text:
            return Text(f"{task.speed:,.0f} events/s" if task.speed else "? events/s")

    return Rate()


RateColumn = _rate_column


def with_bar(ledger: Any, name: str | None, work: Callable[[Callable[[int], None]], int]) -> int:
    """Run `work(tick)` under a progress bar with events/s and ETA; `tick(position)` moves it."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    head = ledger.head()
    columns = [TextColumn("[bold]rebuild {task.description}"), BarColumn(), MofNCompleteColumn(),
               RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns) as bar:
        task = bar.add_task(name or "all", total=head)
        return work(lambda position: bar.update(task, completed=min(position, head)))
