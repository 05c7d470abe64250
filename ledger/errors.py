"""Refusals the ledger gives; the API turns each into one HTTP error shape."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every refusal: nothing was recorded."""

    code = "ledger_error"

    def __init__(self, message: str, *, field: str | None = None,
                 fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.fields = dict(fields or ({field: [message]} if field else {}))

    def prefixed(self, prefix: str) -> "LedgerError":
        """The same error with every field name under `prefix` (batch index)."""
        self.fields = {f"{prefix}.{k}": v for k, v in self.fields.items()}
        if self.field:
            self.field = f"{prefix}.{self.field}"
        self.message = f"{prefix}.{self.message}" if self.field else f"{prefix}: {self.message}"
        return self


class Malformed(LedgerError):
    code = "malformed"


class ValidationFailed(LedgerError):
    code = "validation_failed"


class RuleViolated(LedgerError):
    """A domain rule refuses the event; `rule` names it, with an Indonesian message."""

    code = "rule_violated"

    def __init__(self, rule: str, message: str, message_id: str, *, field: str | None = None) -> None:
        full = f"{field}: {message}" if field else message
        full_id = f"{field}: {message_id}" if field else message_id
        super().__init__(full, field=field, fields={field: [message]} if field else {})
        self.rule = rule
        self.message_id = full_id

    def prefixed(self, prefix: str) -> "LedgerError":
        super().prefixed(prefix)
        if not self.message_id.startswith(prefix):
            self.message_id = f"{prefix}.{self.message_id}" if self.field else f"{prefix}: {self.message_id}"
        return self


class NotFound(LedgerError):
    code = "not_found"


class VersionConflict(LedgerError):
    code = "version_conflict"


class IdempotencyMismatch(LedgerError):
    code = "idempotency_mismatch"


class IntegrityFailed(LedgerError):
    """Stored data disagrees with what the ledger committed to (a disclosure that does not open or
    does not match its commitment): the value is never served; `jejak verify` names the rest."""

    code = "integrity_failed"
