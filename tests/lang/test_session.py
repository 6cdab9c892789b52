"""The session API the REPL builds on: run, variables, names, attributes, reset."""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session


def test_run_displays_values_and_keeps_variables():
    session = Session()
    shown = []
    session.run("a = [1, 2]\nlen(a)", "<repl>", shown.append)
    session.run("a + [3]", "<repl>", shown.append)
    assert shown == [2, [1, 2, 3]]
    assert session.variables["a"] == [1, 2]
    assert "a" in session.names() and "len" in session.names() and "torch" in session.names()


def test_errors_are_located_in_the_source_that_failed():
    session = Session()
    with pytest.raises(TensorshError) as info:
        session.run("y = 1\nz = y.nope", "cell-3")
    assert info.value.filename == "cell-3" and info.value.source == "y = 1\nz = y.nope"
    assert session.user_variables() == {"y": 1}


def test_a_syntax_error_runs_nothing():
    session = Session()
    with pytest.raises(TensorshError) as info:
        session.run("a = 1\nb = (", "f.tsh")
    assert info.value.kind == "SyntaxError" and info.value.exit_code == 2
    assert session.user_variables() == {}


def test_reset_forgets_variables_but_not_builtins():
    session = Session()
    session.run("x = 5", "<repl>")
    session.reset()
    assert session.user_variables() == {}
    with pytest.raises(TensorshError):
        session.run("x", "<repl>")
    session.run("y = len([1])", "<repl>")
    assert session.user_variables() == {"y": 1}


def test_user_names_shadow_builtins():
    session = Session()
    shown = []
    session.run("tensor = [3]\ntensor\nlen = 4\nlen", "<t>", shown.append)
    assert shown == [[3], 4]


def test_attributes_lists_the_allow_list():
    assert "append" in Session.attributes([]) and "__class__" not in Session.attributes([])
    assert Session.attributes(3.5) == ["conjugate", "imag", "is_integer", "real"]


def test_print_goes_to_the_given_writer():
    written = []
    Session(write=written.append).run("print('a', 1)\nprint()", "<t>")
    assert written == ["a 1\n", "\n"]


def test_signature_describes_callables_for_completion():
    session = Session()
    session.run("f = lambda x, k=2: x * k", "<t>")
    assert session.signature(session.variables["f"]) == "<lambda>(x, k=2)"
    assert session.signature(session.builtins["len"]) == "len(obj, /)"
    assert session.signature(3) is None
