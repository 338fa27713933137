"""The in-memory shape of a form definition, as loaded from a human-editable file.

These dataclasses are the contract between ``forms/`` (which loads and validates),
``sync/store`` (which stores typed values) and ``desktop/`` (which renders them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

#: A typed cell value. ``None`` is a value too: a cleared figure.
#: integer -> int, decimal -> Decimal, yesno -> bool, choice/text -> str.
Value = int | Decimal | bool | str | None

Lang = Literal["id", "en"]


class FieldType(StrEnum):
    INTEGER = "integer"  # non-negative integer (counts, stock)
    DECIMAL = "decimal"
    YESNO = "yesno"
    CHOICE = "choice"
    TEXT = "text"


class Severity(StrEnum):
    ERROR = "error"  # blocks "Tandai lengkap"
    WARNING = "warning"  # needs a confirmation before "Tandai lengkap"


@dataclass(frozen=True)
class Text:
    """A user-facing text in Bahasa Indonesia with its English counterpart."""

    id: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.id


@dataclass(frozen=True)
class Choice:
    code: str
    label: Text


@dataclass(frozen=True)
class Field:
    code: str
    label: Text
    type: FieldType
    help: Text | None = None
    unit: Text | None = None
    required: bool = False
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    #: a stock-like figure: "salin dari kemarin" copies yesterday's value
    stock: bool = False
    #: a running total that never falls from one day to the next
    cumulative: bool = False
    #: for a stock field: the field whose previous-day value "salin dari kemarin" copies
    #: (None: the field itself), e.g. today's opening stock <- yesterday's closing stock
    stock_from: str | None = None


@dataclass(frozen=True)
class Section:
    code: str
    title: Text
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Literal["expr", "outlier"]
    severity: Severity
    message: Text
    #: the fields the message is shown next to
    fields: tuple[str, ...]
    #: for kind == "expr": the checked condition (true means fine)
    expr: str | None = None
    #: for kind == "expr": only checked when this condition holds (optional)
    when: str | None = None
    #: for kind == "outlier": days of the facility's own history looked at
    window: int = 28


@dataclass(frozen=True)
class FormDefinition:
    id: str
    version: int
    title: Text
    period: Literal["daily"]
    org_unit_level: str
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = ()
    #: where it was loaded from, for messages; "" when built in code
    source: str = ""
    #: the exact text it was loaded from, kept so a store can record versions
    source_text: str = field(default="", compare=False, repr=False)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, code: str) -> Field:
        for f in self.fields:
            if f.code == code:
                return f
        raise KeyError(code)


@dataclass(frozen=True)
class Issue:
    """One finding of validation, shown next to ``fields`` and in the summary."""

    rule_id: str
    severity: Severity
    fields: tuple[str, ...]
    message: Text
