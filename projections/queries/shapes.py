"""How every query shapes its answer: page limits, ISO dates, UTC moments, filter moments as naive UTC."""

from __future__ import annotations

from datetime import date, datetime, timezone

MAX_LIMIT = 1000


def _limit(limit: int) -> int:
    if not isinstance(limit, int) or limit < 1 or limit > MAX_LIMIT:
        raise ValueError(f"limit: between 1 and {MAX_LIMIT}, got {limit!r}")
    return limit


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _naive(moment: datetime | str | None, field: str) -> datetime | None:
    """A filter moment (datetime or ISO text, with or without zone; naive means UTC) as naive UTC."""
    if moment is None:
        return None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{field}: an ISO 8601 moment like 2025-04-01T03:04:05Z, got {moment!r}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment
