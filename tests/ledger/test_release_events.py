"""A public statistics release is recorded once, under its period's id, with the hash of exactly its content."""

from __future__ import annotations

import pytest

from ledger.errors import RuleViolated, ValidationFailed
from ledger.release import canonical, content_hash

CONTENT = canonical({"period": "2025", "items": [], "city": {"headcount": {"total": 12}}})


def body(subject: str = "R-2025", period: str = "2025", text: str = CONTENT, digest: str | None = None) -> dict:
    return {"type": "PublicReleasePublished", "subject": subject,
            "data": {"period": period, "content": text, "content_hash": digest or content_hash(text)}}


def test_a_release_is_recorded_with_its_content_and_hash_and_never_again(ledger):
    ledger.record([body()], actor="jejak-releases")
    state = ledger.state("release", "R-2025")
    assert state["period"] == "2025" and state["content_hash"] == content_hash(CONTENT)
    with pytest.raises(RuleViolated) as refused:
        ledger.record([body(text=canonical({"period": "2025", "items": [1]}))], actor="jejak-releases")
    assert refused.value.rule == "release_once"


@pytest.mark.parametrize("bad, field", [
    (body(digest="0" * 64), "data.content_hash"),
    (body(subject="R-2024"), "subject"),
    (body(text='{"b": 1, "a": 2}'), "data.content"),
    (body(text="not json"), "data.content"),
])
def test_a_release_whose_hash_id_or_content_does_not_match_is_refused_naming_the_field(ledger, bad, field):
    head = ledger.head()
    with pytest.raises(ValidationFailed) as refused:
        ledger.record([bad], actor="jejak-releases")
    assert refused.value.field == field and ledger.head() == head
