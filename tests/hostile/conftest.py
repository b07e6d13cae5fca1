"""Fixtures of the hostile-input suite: one fork server per session (see forkrun.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hostile.harness import ForkRunner


@pytest.fixture(scope="session")
def runner() -> Iterator[ForkRunner]:
    r = ForkRunner()
    yield r
    r.close()
