"""Every test starts with the engine's global grad mode on, as a fresh process does.

A program may leave gradient recording off on purpose (`torch.set_grad_enabled(False)`),
or by a subclass of `torch.no_grad` whose `__exit__` never restores it; in one process
of the test suite that would leak into whichever test the worker runs next.
"""

import pytest


@pytest.fixture(autouse=True)
def grad_mode_on():
    yield
    from tensorsh import engine

    engine.set_grad_enabled(True)
