"""What `verify` found: problems by position, and what anchored the result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(order=True)
class Problem:
    """One finding, ordered by the first position it concerns."""

    position: int
    message: str = field(compare=False)

    def __str__(self) -> str:
        return f"position {self.position}: {self.message}"


@dataclass
class Result:
    """What verify checked and found; `first_bad_position` is what `jejak verify` names."""

    events: int = 0
    tree_size: int = 0
    checkpoints: int = 0
    trusted_keys: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    anchored_by: list[str] = field(default_factory=list)  # what outside the database vouched, if anything
    access_log_problems: list[tuple[int, str]] = field(default_factory=list)  # (row id, message): who read whom

    @property
    def anchored(self) -> bool:
        """Tied to something the operator handed in (a pinned key, a kept checkpoint, a witness quorum),
        never to keys or checkpoints found in the database alone."""
        return bool(self.anchored_by)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.access_log_problems

    @property
    def first_bad(self) -> str:
        """What `jejak verify` names first: the first bad event, else the access log's first bad row."""
        if self.problems:
            return f"event at position {self.first_bad_position}"
        return f"access log row {self.access_log_problems[0][0]}" if self.access_log_problems else ""

    @property
    def first_bad_position(self) -> int | None:
        return min(self.problems).position if self.problems else None
