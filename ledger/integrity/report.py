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

    @property
    def anchored(self) -> bool:
        """Tied to something the operator handed in (a pinned key, a kept checkpoint, a witness quorum),
        never to keys or checkpoints found in the database alone."""
        return bool(self.anchored_by)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_position(self) -> int | None:
        return min(self.problems).position if self.problems else None
