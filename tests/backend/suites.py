"""The reliability suites, collected again in tests/backend and run on `--backend torch`.

Each `test_*_torch.py` module here star-imports one suite of `tests/reliability` (so pytest
collects its tests a second time, under this folder's names) and, for every test, points the
suite's `Session` and its `tensorsh` command at PyTorch. The suites themselves are unchanged:
the same attempts, the same expected errors, on both backends.
"""

from __future__ import annotations

import functools
import resource

from tensorsh.engine import limits
from tensorsh.lang.session import Session

# A program on PyTorch starts after torch is imported: Ctrl-C is sent once it has had the time.
TORCH_IMPORT_SECONDS = 3.0


def on_torch(monkeypatch, suite):
    """Run `suite`'s sessions and processes on the torch backend for the current test (a generator
    fixture's body). PyTorch allocates in C++, past any check of ours but its factories: the
    process is capped as the CLI caps it, so an allocation too big fails as it would there."""
    if hasattr(suite, "Session"):
        monkeypatch.setattr(suite, "Session", functools.partial(Session, backend="torch"))
    if hasattr(suite, "TENSORSH"):
        monkeypatch.setattr(suite, "TENSORSH", [*suite.TENSORSH, "--backend", "torch"])
        monkeypatch.setattr(suite, "STARTUP_SECONDS", suite.STARTUP_SECONDS + TORCH_IMPORT_SECONDS)
    import torch

    import tensorsh.lang.torch_backend  # noqa: F401 - imported before the test looks: it sets environment variables

    # So is PyTorch's first optimizer, which imports its compiler (TORCHINDUCTOR_CACHE_DIR).
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    # PyTorch's global modes outlive a session (a program's own __exit__ may never restore them).
    modes = torch.is_grad_enabled(), torch.get_default_dtype(), torch.is_anomaly_enabled()
    old_cap = resource.getrlimit(resource.RLIMIT_AS)
    limits.limit_process_memory()
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, old_cap)
        torch.set_grad_enabled(modes[0])
        torch.set_default_dtype(modes[1])
        torch.set_anomaly_enabled(modes[2])
