"""The built bundle for the tests that need it: `make test` builds it first and sets
KABAR_REQUIRE_BUNDLE=1, so a missing bundle then FAILS; a developer's own pytest run without a
bundle skips those tests, saying why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bundle.paths import INTERNAL, PROGRAM


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle's ``_internal`` folder (its program is ``tests.bundle.paths.PROGRAM``)."""
    if not PROGRAM.is_file():
        message = f"no bundle at {PROGRAM}: build it with `make bundle` (make test does)"
        if os.environ.get("KABAR_REQUIRE_BUNDLE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return INTERNAL
