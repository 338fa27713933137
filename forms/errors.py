"""The known, person-facing problems ``forms/`` reports: bad input, bad definition, bad rule.

Bugs (a wrongly typed value handed in by code) are not here: they raise ``TypeError`` loudly.
"""

from __future__ import annotations

from forms.model import Text


class InputError(ValueError):
    """What an officer typed cannot be a value of the field; ``message`` says why, in id and en."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.id)
        self.message = message


class ExprError(ValueError):
    """A rule expression is malformed or uses something outside the safe whitelist."""

    def __init__(self, message: str, column: int | None = None) -> None:
        #: 1-based column in the expression text, when known
        self.column = column
        self.message = message
        super().__init__(f"{message} (column {column})" if column is not None else message)


class FormLoadError(Exception):
    """A form definition file cannot be used: which file, where in it, and what is wrong."""

    def __init__(self, file: str, location: str, message: str, line: int | None = None) -> None:
        self.file = file
        #: a path into the definition such as ``fields.isolasi_terisi.max`` or ``rules[2].expr``
        self.location = location
        self.message = message
        #: 1-based line in the file, when the YAML parser knows it
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {location}: {message}")
