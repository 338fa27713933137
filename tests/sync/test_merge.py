"""sync/merge.py: numbered scenarios for the server and client rules, and a model-based check
that no accepted write is ever lost whatever the delivery order."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.merge import (
    Apply,
    Conflict,
    CurrentCell,
    PullAction,
    Unchanged,
    apply_pulled,
    decide,
)

# (number, current, incoming, base, expected) — numbered like PouchDB's conflict scenarios
SCENARIOS = [
    (1, None, "5", 0, Apply()),  # a first value
    (2, None, None, 0, Apply()),  # a first value that is "cleared"
    (3, None, "5", 42, Apply()),  # base from a server long gone: nothing to overwrite
    (4, CurrentCell("5", 7), "6", 7, Apply()),  # edit on the current revision
    (5, CurrentCell("5", 7), "5", 7, Unchanged(7)),  # same value on current base: no revision
    (6, CurrentCell("5", 7), "5", 3, Unchanged(7)),  # same value, stale base: never a conflict
    (7, CurrentCell("5", 7), "5", 0, Unchanged(7)),  # same value, never saw the server
    (8, CurrentCell("5", 7), "6", 3, Conflict(CurrentCell("5", 7))),  # stale base, differs
    (9, CurrentCell("5", 7), "6", 0, Conflict(CurrentCell("5", 7))),  # blind write, differs
    (10, CurrentCell(None, 7), "6", 3, Conflict(CurrentCell(None, 7))),  # cleared meanwhile
    (11, CurrentCell("5", 7), None, 3, Conflict(CurrentCell("5", 7))),  # stale clear
    (12, CurrentCell(None, 7), None, 1, Unchanged(7)),  # both cleared
    (13, CurrentCell("5", 7), "6", 9, Conflict(CurrentCell("5", 7))),  # base from the future
]


@pytest.mark.parametrize(("n", "current", "incoming", "base", "expected"), SCENARIOS)
def test_server_scenarios(
    n: int, current: CurrentCell | None, incoming: str | None, base: int, expected: object
) -> None:
    assert decide(current, incoming, base) == expected, f"scenario {n}"


@pytest.mark.parametrize(
    ("pending", "local", "pulled", "expected"),
    [
        (False, "5", "6", PullAction.TAKE_PULLED),
        (False, None, "6", PullAction.TAKE_PULLED),
        (False, "5", None, PullAction.TAKE_PULLED),
        (True, "5", "6", PullAction.KEEP_LOCAL_AND_MARK_CONFLICT),
        (True, None, "6", PullAction.KEEP_LOCAL_AND_MARK_CONFLICT),
        (True, "6", "6", PullAction.EQUAL),
        (False, "6", "6", PullAction.EQUAL),
    ],
)
def test_client_scenarios(
    pending: bool, local: str | None, pulled: str | None, expected: PullAction
) -> None:
    assert apply_pulled(pending, local, pulled) is expected


# ---------------------------------------------------------------- model-based


@dataclass
class ServerModel:
    """One cell on a server that follows ``decide``, with history and conflict candidates."""

    current: CurrentCell | None = None
    history: list[tuple[int, str | None]] = field(default_factory=list)
    candidates: list[str | None] = field(default_factory=list)
    next_rev: int = 1

    def receive(self, value: str | None, base: int) -> str:
        decision = decide(self.current, value, base)
        if isinstance(decision, Apply):
            self.current = CurrentCell(value, self.next_rev)
            self.history.append((self.next_rev, value))
            self.next_rev += 1
            return "applied"
        if isinstance(decision, Unchanged):
            assert self.current is not None and decision.rev == self.current.rev
            return "unchanged"
        assert decision.current == self.current
        self.candidates.append(value)
        return "conflict"


values = st.one_of(st.none(), st.sampled_from(["0", "1", "2", "3"]))


@settings(max_examples=300)
@given(st.data())
def test_no_accepted_write_is_ever_lost(data: st.DataObject) -> None:
    """2-3 writers read the cell (at some revision), edit, and their edits arrive in any order,
    some twice. Every write ends as the current value, a conflict candidate, or a version in
    history; revisions only grow; history is never rewritten."""
    writers = data.draw(st.integers(min_value=2, max_value=3))
    server = ServerModel()
    pending: list[tuple[str | None, int]] = []
    sent: list[str | None] = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=25))):
        action = data.draw(st.sampled_from(["edit", "deliver", "deliver", "redeliver"]))
        if action == "edit":
            data.draw(st.integers(min_value=0, max_value=writers - 1))  # which writer
            # a writer's base is whatever it last saw: the current rev or an older one
            seen = [0] + [rev for rev, _ in server.history]
            base = data.draw(st.sampled_from(seen))
            value = data.draw(values)
            pending.append((value, base))
        elif pending:
            i = data.draw(st.integers(min_value=0, max_value=len(pending) - 1))
            value, base = pending[i] if action == "redeliver" else pending.pop(i)
            before = list(server.history)
            outcome = server.receive(value, base)
            sent.append(value)
            assert server.history[: len(before)] == before  # history is append-only
            if outcome == "unchanged":
                assert server.current is not None and server.current.value == value
    revs = [rev for rev, _ in server.history]
    assert revs == sorted(set(revs))
    kept = {v for _, v in server.history} | set(server.candidates)
    for value in sent:
        assert value in kept
