"""Sandbox: `:shape EXPR` (lang/tracing.py) rewrites the validated tree and runs it with a helper
in the builtins. The argument must meet the validator and the guards as any input does, the
helper must be unreachable by name and gone afterwards, and describing a value must never run
the program's code (its __repr__, __len__, properties)."""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session
from tensorsh.lang.tracing import NOTE, trace


@pytest.fixture
def session():
    s = Session()
    s.run("x = torch.ones(2, 3)", "<t>")
    return s


@pytest.mark.parametrize("kind, expression", [
    ("SyntaxError", "x._data"),
    ("SyntaxError", f"{NOTE}(0, x)"),
    ("SyntaxError", "x.__class__.__subclasses__()"),
    ("SyntaxError", "(lambda: x._version)()"),
    ("NameError", "getattr(x, '_data')"),
    ("SyntaxError", "[t.__dict__ for t in [x]]"),
    ("AttributeError", "'{0.__class__}'.format(x)"),
])
def test_the_argument_meets_the_validator_and_the_guards(session, kind, expression):
    try:
        steps, error = trace(session, expression)
    except TensorshError as refused:
        error = refused
    assert error is not None and error.kind == kind, (expression, error)
    assert NOTE not in session.builtins


def test_a_hostile_format_spec_is_bounded_not_run(session):
    _, error = trace(session, "f'{x!r:>{10**10}}'")
    assert error is not None and error.kind in ("ValueError", "OverflowError", "MemoryError")
    assert NOTE not in session.builtins


def test_the_helper_is_gone_after_an_interrupt(session, monkeypatch):
    session.run("def stop():\n    raise KeyboardInterrupt\n", "<t>")
    with pytest.raises(KeyboardInterrupt):
        trace(session, "stop() + x")
    assert NOTE not in session.builtins


def test_describing_a_value_runs_none_of_the_programs_code(session):
    session.run("calls = []\n"
                "class Sneaky:\n"
                "    def __repr__(self):\n"
                "        calls.append('repr')\n"
                "        return 'sneaky'\n"
                "    def __len__(self):\n"
                "        calls.append('len')\n"
                "        return 1\n"
                "s = Sneaky()", "<t>")
    steps, error = trace(session, "[s, s][0]")
    assert error is None
    assert steps[0].value.kind == "Sneaky" and steps[0].value.text is None
    assert session.variables["calls"] == []
