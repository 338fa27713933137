"""The per-cell merge rules of the sync protocol, pure: the server's decision for an incoming
edit (apply / unchanged / conflict) and the client's for a pulled value.

Values are compared in their canonical stored text (``forms.types.to_storage``), so ``12.50``
and ``12.5`` are one value and a type's spelling never makes a false conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Apply",
    "Conflict",
    "CurrentCell",
    "Decision",
    "PullAction",
    "Unchanged",
    "apply_pulled",
    "decide",
]


@dataclass(frozen=True)
class CurrentCell:
    """The server's current version of a cell: canonical value text (None: cleared), revision."""

    value: str | None
    rev: int


@dataclass(frozen=True)
class Apply:
    """Write the incoming value as a new revision."""


@dataclass(frozen=True)
class Unchanged:
    """The incoming value is already the current one; ``rev`` is the current revision."""

    rev: int


@dataclass(frozen=True)
class Conflict:
    """Stale base and a different value: keep the incoming one as a candidate, overwrite nothing."""

    current: CurrentCell


Decision = Apply | Unchanged | Conflict


def decide(current: CurrentCell | None, incoming_value: str | None, base_rev: int) -> Decision:
    """The server's rule for one incoming cell edit based on revision ``base_rev``.

    1. no current version (the cell never existed) -> apply: nothing can be overwritten;
    2. value equal to the current one -> unchanged (equal values never conflict, whatever the
       base; no empty revision is made);
    3. base == current revision -> apply;
    4. otherwise -> conflict.
    """
    if current is None:
        return Apply()
    if incoming_value == current.value:
        return Unchanged(current.rev)
    if base_rev == current.rev:
        return Apply()
    return Conflict(current)


class PullAction(StrEnum):
    """What the client does with a pulled value for a cell."""

    #: a local edit still waits to be sent and differs: keep it, record a local conflict
    KEEP_LOCAL_AND_MARK_CONFLICT = "keep_local_and_mark_conflict"
    #: no local edit pending: the pulled value replaces the local one
    TAKE_PULLED = "take_pulled"
    #: the values already agree: just record the pulled revision as the cell's base
    EQUAL = "equal"


def apply_pulled(
    local_pending: bool, local_value: str | None, pulled_value: str | None
) -> PullAction:
    """The client's rule: a pull never overwrites a local edit still waiting to be sent."""
    if local_value == pulled_value:
        return PullAction.EQUAL
    if local_pending:
        return PullAction.KEEP_LOCAL_AND_MARK_CONFLICT
    return PullAction.TAKE_PULLED
