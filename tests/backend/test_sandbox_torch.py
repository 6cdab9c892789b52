"""tests/reliability/test_sandbox.py on `--backend torch` (see suites.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from tests.backend.suites import on_torch  # noqa: E402
from tests.reliability import test_sandbox as suite  # noqa: E402
from tests.reliability.test_sandbox import *  # noqa: E402,F401,F403 - the suite's tests, collected again here


@pytest.fixture(autouse=True)
def torch_backend(monkeypatch):
    yield from on_torch(monkeypatch, suite)
