"""The language's own behaviour beyond CPython's: engine errors as Python exceptions,
interrupts and exit() that no `except` swallows, Python's builtins next to torch's,
help() and dir(), and errors located in the program's own code.

(Python semantics themselves are compared with CPython in test_python_programs.py, and
tensor results with PyTorch in the golden cases.)
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tensorsh.lang.errors import TensorshError, render
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.session import Session

ROOT = Path(__file__).resolve().parents[2]


def run(source: str, session: Session | None = None) -> tuple[list, str]:
    """The values shown and the text printed."""
    out = io.StringIO()
    session = session or Session(write=out.write)
    shown: list = []
    session.run(source, "<t>", shown.append)
    return shown, out.getvalue()


def error_of(source: str, session: Session | None = None) -> TensorshError:
    with pytest.raises(TensorshError) as info:
        run(source, session)
    return info.value


@pytest.mark.parametrize("source, kind", [
    ("torch.ones(2, 3) + torch.ones(4)", "RuntimeError"),
    ("torch.tensor([1, 2])[5]", "IndexError"),
    ("torch.ones(6).view(5)", "RuntimeError"),
    ("torch.ones(2).foo", "AttributeError"),
    ("softmax(ones(2), dimm=0)", "TypeError"),
    ("10 ** 10 ** 10", "OverflowError"),
    ("'a' * 10 ** 13", "MemoryError"),
    ("f'{1:>99999999999}'", "MemoryError"),
])
def test_errors_of_the_engine_and_the_guards_are_catchable_by_their_python_class(source, kind):
    program = f"try:\n    {source}\nexcept {kind} as e:\n    caught = type(e) is {kind}\ncaught"
    assert run(program)[0] == [True]


def test_except_catches_errors_but_never_an_interrupt():
    session = Session()

    def interrupt():
        raise KeyboardInterrupt

    session.builtins["interrupt"] = interrupt
    for clause in ("except:", "except BaseException:", "except KeyboardInterrupt:",
                   "except (ValueError, BaseException):"):
        with pytest.raises(KeyboardInterrupt):
            session.run(f"try:\n    interrupt()\n{clause}\n    pass", "<t>")
    shown, _ = run("try:\n    1 / 0\nexcept BaseException as e:\n    caught = e\ntype(caught) is ZeroDivisionError",
                   session)
    assert shown == [True]


def test_exit_ends_the_program_with_its_status_and_no_except_stops_it():
    session = Session()
    with pytest.raises(ExitRequest) as info:
        session.run("try:\n    exit(3)\nexcept BaseException:\n    pass\nafter = 1", "<t>")
    assert info.value.status == 3 and "after" not in session.variables
    with pytest.raises(ExitRequest):
        session.run("quit", "<t>", lambda value: None)  # a bare `exit` or `quit` line leaves, as in Python's REPL


@pytest.mark.parametrize("code, status", [("exit()", 0), ("exit(4)", 4), ("print(1)\nquit(2)\nprint(2)", 2)])
def test_exit_status_reaches_the_shell(code, status):
    done = subprocess.run([sys.executable, "-m", "tensorsh", "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.returncode == status and done.stderr == ""


def test_pythons_builtins_where_python_works_and_torchs_where_it_cannot():
    shown, _ = run(
        "t = tensor([3., 1., 2.])\nm = tensor([[1., 5.], [7., 2.]])\n"
        "max(t)\nsum(m)\nround(t * 1.4)\nmax(m)\nmax(m, dim=0).values\nall(t > 0)\nsum([1, 2], 10)\n"
        "sum(x.item() for x in t)")
    max_t, sum_m, rounded, max_m, max_dim, all_t, plain_sum, generator_sum = shown
    assert max_t.item() == 3.0 and max_t.shape == ()  # Python's: the largest element, iterating
    assert sum_m.tolist() == [8.0, 7.0]  # Python's sum of the rows, as in any PyTorch program
    assert rounded.tolist() == [4.0, 1.0, 3.0]  # Python's round cannot take a tensor: torch.round
    assert max_m.item() == 7.0  # Python's max cannot compare rows: torch.max
    assert max_dim.tolist() == [7.0, 5.0]
    assert all_t is True and plain_sum == 13 and generator_sum == 6.0


def test_type_takes_one_argument_and_shows_torchs_class_names():
    shown, _ = run("type(tensor(1)), type(float32), type(tensor(1).shape)")
    assert repr(shown[0]) == "(<class 'torch.Tensor'>, <class 'torch.dtype'>, <class 'torch.Size'>)"
    assert error_of("type('X', (), {})").kind == "TypeError"


def test_help_and_dir_describe_values_without_private_names():
    _, printed = run("help(softmax)\nhelp('syntax')")
    assert printed.startswith("softmax(input, dim=None, dtype=None)\n")
    assert "The tensorsh language is Python's syntax" in printed
    shown, _ = run("x = tensor([1.0])\ndir(x)\ndir()")
    assert "view" in shown[0] and not any(n.startswith("_") for n in shown[0] + shown[1])
    assert "x" in shown[1] and "tensor" in shown[1]


def test_a_programs_docstring_is_not_shown_unless_it_is_the_whole_program():
    assert run('"""Fits a line."""\nx = 1\nx\n"a string later is shown"')[0] == [1, "a string later is shown"]
    assert run('"""Only this."""')[0] == ["Only this."]


def test_a_method_read_off_an_engine_class_works_on_that_classs_instances_only():
    # PyTorch's own idioms: Base.__init__(self) in an old-style module, Tensor.add(t, 1)
    source = ("class Net(nn.Module):\n    def __init__(self):\n        nn.Module.__init__(self)\n"
              "        self.fc = nn.Linear(2, 1)\nnet = Net()\nnn.Module.train(net, False)\n"
              "net.training, len(list(net.parameters())), torch.Tensor.add(torch.ones(2), 1)")
    assert repr(run(source)[0][-1]) == "(False, 2, tensor([2., 2.]))"
    _, printed = run("help(nn.Module.train)")
    assert printed.startswith("train(mode: bool = True) -> Module\n")  # annotations as written, not quoted
    error = error_of("torch.nn.Module.train(5)")
    assert (error.kind, error.message) == ("TypeError", "descriptor 'train' for 'Module' objects doesn't apply "
                                                        "to a 'int' object")


def test_a_bad_argument_beside_a_numpy_name_is_not_blamed_on_the_numpy_name():
    # sum(axis=...) is PyTorch's too: the call binds, so the error is the op's own about dtype
    assert run("torch.ones(2, 3).sum(axis=0, keepdims=True)")[0][0].shape == (1, 3)
    error = error_of("torch.ones(2).sum(axis=0, dtype='x')")
    assert error.kind == "TypeError" and "axis" not in error.message and "dtype" in error.message


def test_numpys_arithmetic_functions_are_numpys():
    import numpy

    shown, _ = run("n = np.ones(3)\nnp.add(n, 1, out=n)\n[n, np.square(n - 3), np.subtract(5, n), "
                   "np.multiply(n, n), np.divide(n, 4), np.power(n, 3), np.negative(n)]")
    n = numpy.ones(3)
    numpy.add(n, 1, out=n)
    expected = [n, numpy.square(n - 3), numpy.subtract(5, n), numpy.multiply(n, n), numpy.divide(n, 4),
                numpy.power(n, 3), numpy.negative(n)]
    assert all(numpy.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(shown[-1], expected))
    assert error_of("np.add(np.ones((50000, 1)), np.ones(50000))").kind == "RuntimeError"  # over the limit


def test_help_syntax_lists_every_module_a_program_can_import():
    _, printed = run("help('syntax')")
    listed = " ".join(printed.split("imports", 1)[1].split("builtins", 1)[0].split())
    for module in Session().modules:
        assert f"{module}," in listed or f"{module};" in listed, module
        run(f"import {module}")


def test_print_takes_sep_end_and_flush_and_no_file():
    _, printed = run("print(1, 2, sep='-', end='!', flush=True)")
    assert printed == "1-2!"
    assert error_of("print(1, file=None)").kind == "TypeError"


def test_an_error_inside_a_function_points_at_its_line_and_names_the_calls():
    error = error_of("def inner(t):\n    return t.view(5)\ndef outer():\n    return inner(ones(6))\nouter()")
    assert (error.span.line, error.span.column, error.span.end_column) == (2, 13, 18)  # `.view`, t labelled
    assert error.labels == [((2, 12, 2, 13), "(6,)")]
    assert error.note == "in inner(), called from line 4 (in outer), called from line 5"


def test_an_error_in_a_function_from_an_earlier_input_shows_that_input():
    session = Session()
    session.run("x = 1\ndef f(t):\n    return t.view(5)", "<input>")
    error = error_of("f(ones(6))", session)
    assert render(error).splitlines()[1:4] == [" --> <input>:3:13", "  |", "3 |     return t.view(5)"]
    assert error.note == "in f(), called from <t>:1"  # the call came from another file


def test_classes_hold_attributes_and_reach_the_engine_through_the_allow_lists():
    shown, _ = run("class Holder:\n    scale = 2\n    def __init__(self, t):\n        self.t = t\n"
                   "    def doubled(self):\n        return self.t * self.scale\n"
                   "h = Holder(tensor([1, 2]))\nh.doubled()\nh.t = h.t + 1\nh.t")
    assert [v.tolist() for v in shown] == [[2, 4], [2, 3]]
    assert error_of("t = tensor([1])\nt.shape = (2,)").kind == "AttributeError"
    assert error_of("class A:\n    pass\nA().missing").message == "'A' object has no attribute 'missing'"


def test_a_class_builds_only_on_classes_the_sandbox_knows():
    assert run("class E(ValueError):\n    pass\ntry:\n    raise E('x')\nexcept ValueError:\n    ok = True\nok")[0] \
        == [True]
    for base in ("type", "int", "type(print)", "3"):
        assert error_of(f"class C({base}):\n    pass").kind == "TypeError", base


def test_the_guards_names_and_the_runtime_are_out_of_reach():
    session = Session()
    run("x = 1", session)
    assert all(not name.startswith("_") or name == "_" for name in session.names())
    assert set(session.user_variables()) == {"x"}
