"""A small typed field language: one declaration validates input and yields its JSON Schema.

The event catalogue declares each event type's `data` with these; the API serves
the same declarations as JSON Schema at `GET /v1/event-types`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.errors import ValidationFailed


class Field:
    """Base of a declared field: `load` turns JSON into a Python value or raises."""

    required: bool = True

    def load(self, value: Any, path: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _fail(self, path: str, message: str) -> ValidationFailed:
        return ValidationFailed(f"{path}: {message}", field=path, fields={path: [message]})


# What text that people read may not hide: controls (C0, DEL, C1), bidirectional embeddings,
# overrides, isolates and marks (which reorder what is shown: "Dinas\u202eKesehatan"), and
# zero-width characters (which make two different names look the same). A name is one line;
# a long free text (over 500 characters allowed: reasons, notes, messages) keeps its line breaks
# and tabs. The ranges are written for both Python and the JSON Schema served (ECMA-262).
HIDDEN_RANGES = ("\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u061c\\u200b-\\u200f\\u202a-\\u202e"
                 "\\u2060\\u2066-\\u2069\\ufeff")
TEXT = f"^[^{HIDDEN_RANGES}]*$"  # long free text: line feeds, carriage returns and tabs allowed
LINE = f"^[^{HIDDEN_RANGES}\\t\\n\\r]*$"  # a name or any short text: one line
NO_NUL = TEXT  # the older name, still imported for the provenance fields' schema
MULTILINE_FROM = 501  # a maximum length above 500 marks a free text of paragraphs
_HIDDEN_TEXT = re.compile(f"[{HIDDEN_RANGES}]")
_HIDDEN_LINE = re.compile(f"[{HIDDEN_RANGES}\\t\\n\\r]")


@dataclass
class Str(Field):
    max_length: int = 500
    pattern: str | None = None
    required: bool = True
    min_length: int = 1
    multiline: bool | None = None  # None: only long free text (max_length over 500) may break lines

    def lines(self) -> bool:
        return self.multiline if self.multiline is not None else self.max_length >= MULTILINE_FROM

    def load(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self._fail(path, "must be a string")
        if "\x00" in value:  # PostgreSQL text cannot hold it: one such event would stall every read model
            raise self._fail(path, "must not contain the NUL character (U+0000)")
        hidden = (_HIDDEN_TEXT if self.lines() else _HIDDEN_LINE).search(value)
        if hidden:
            raise self._fail(path, hidden_message(value, hidden.start(), self.lines()))
        if len(value) < self.min_length:
            raise self._fail(path, "must not be empty")
        if len(value) > self.max_length:
            raise self._fail(path, f"must be at most {self.max_length} characters")
        if self.pattern and not re.fullmatch(self.pattern, value, re.ASCII):  # \d is 0-9, as JSON Schema reads it
            raise self._fail(path, f"must match {self.pattern}")
        return value

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "string", "minLength": self.min_length, "maxLength": self.max_length}
        s["pattern"] = f"^{self.pattern}$" if self.pattern else (TEXT if self.lines() else LINE)
        return s


def hidden_message(value: str, at: int, lines: bool) -> str:
    """Why a text is refused, naming the character and where it is."""
    char = value[at]
    what = ("a line break or tab (this text is one line)" if char in "\t\n\r" and not lines else
            "a control character" if ord(char) < 0x20 or 0x7f <= ord(char) <= 0x9f else
            "a zero-width character" if char in "\u200b\u200c\u200d\u2060\ufeff" else
            "a bidirectional control (it reorders what readers see)")
    return (f"must not contain {what}: U+{ord(char):04X} at character {at + 1}; "
            "type the text again without it")


@dataclass
class Int(Field):
    minimum: int | None = None
    maximum: int | None = None
    required: bool = True

    def load(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(path, "must be an integer")
        if self.minimum is not None and value < self.minimum:
            raise self._fail(path, f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise self._fail(path, f"must be at most {self.maximum}")
        return value

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        return s


def Money(required: bool = True) -> Int:  # noqa: N802 - reads as a type
    """An integer number of Rupiah, never negative."""
    return Int(minimum=0, maximum=10**15, required=required)


def Year(required: bool = True) -> Int:  # noqa: N802
    return Int(minimum=1950, maximum=2100, required=required)


@dataclass
class Bool(Field):
    required: bool = True

    def load(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self._fail(path, "must be true or false")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass
class Date(Field):
    required: bool = True

    def load(self, value: Any, path: str) -> date:
        return load_date(value, path)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


def load_date(value: Any, path: str) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValidationFailed(f"{path}: must be a date as YYYY-MM-DD", field=path,
                               fields={path: ["must be a date as YYYY-MM-DD"]})
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{path}: {value!r} is not a real date", field=path,
                               fields={path: [f"{value!r} is not a real date"]}) from None


@dataclass
class Choice(Field):
    choices: list[str] = field(default_factory=list)
    required: bool = True

    def load(self, value: Any, path: str) -> str:
        if value not in self.choices:
            raise self._fail(path, f"must be one of {', '.join(self.choices)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


NIP_PATTERN = r"\d{18}"


def Nip(required: bool = True) -> Str:  # noqa: N802
    return Str(max_length=18, min_length=18, pattern=NIP_PATTERN, required=required)


@dataclass
class NipOrOfficial(Field):
    """An ASN by NIP, or a named official who has none (the Wali Kota evaluates the JPT Pratama):
    `{"name", "title"}`."""

    required: bool = True

    def load(self, value: Any, path: str) -> str | dict[str, Any]:
        if isinstance(value, dict):
            return load_object(OFFICIAL_FIELDS, value, path)
        return Nip().load(value, path)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [Nip().schema(), object_schema(OFFICIAL_FIELDS)]}


@dataclass
class Obj(Field):
    fields: dict[str, Field] = field(default_factory=dict)
    required: bool = True

    def load(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._fail(path, "must be an object")
        return load_object(self.fields, value, path)

    def schema(self) -> dict[str, Any]:
        return object_schema(self.fields)


@dataclass
class FreeObj(Field):
    """An object whose keys are checked later, against another declaration (corrections)."""

    required: bool = True
    min_properties: int = 0

    def load(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._fail(path, "must be an object")
        if len(value) < self.min_properties:
            raise self._fail(path, f"name at least {self.min_properties} field(s)")
        return dict(value)

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "object"}
        if self.min_properties:
            s["minProperties"] = self.min_properties
        return s


@dataclass
class List(Field):
    item: Field = field(default_factory=Str)
    min_items: int = 0
    max_items: int = 100
    required: bool = True

    def load(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self._fail(path, "must be a list")
        if not self.min_items <= len(value) <= self.max_items:
            raise self._fail(path, f"must have {self.min_items} to {self.max_items} items")
        return [self.item.load(v, f"{path}[{i}]") for i, v in enumerate(value)]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema(),
                "minItems": self.min_items, "maxItems": self.max_items}


def load_object(fields: dict[str, Field], value: dict[str, Any], path: str) -> dict[str, Any]:
    """Load every declared field; refuse unknown and missing ones, naming each."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name in value:
        if name not in fields:
            errors[f"{path}.{name}"] = ["unknown field"]
    for name, spec in fields.items():
        sub = f"{path}.{name}"
        if name not in value or value[name] is None:
            if spec.required:
                errors[sub] = ["is required"]
            continue
        try:
            out[name] = spec.load(value[name], sub)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(f"{first}: {errors[first][0]}", field=first, fields=errors)
    return out


def object_schema(fields: dict[str, Field]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {n: f.schema() for n, f in fields.items()},
        "required": [n for n, f in fields.items() if f.required],
        "additionalProperties": False,
    }


OFFICIAL_FIELDS: dict[str, Field] = {"name": Str(max_length=200), "title": Str(max_length=200)}
