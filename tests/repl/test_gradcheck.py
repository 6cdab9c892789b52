"""`:gradcheck`: verdicts against mathematics and against PyTorch's gradcheck (scripts/record_graphs.py)."""

import json
import math
import pathlib
import re

import numpy as np
import pytest

from tensorsh.lang.session import Session
from tensorsh.repl import checking
from tensorsh.repl.commands import COMMANDS, overview
from tensorsh.repl.runner import INTERRUPTED
from tests.repl.test_commands import Streams

RECORDED = json.loads((pathlib.Path(__file__).parent / "data" / "torch_graphs.json").read_text())

PROGRAM = """
w = torch.tensor([0.3, -1.2, 2.0], requires_grad=True)
x = torch.tensor([[0.5, -0.25], [1.5, 0.75]], dtype=torch.float64)
class Wrong(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return t.sin()
    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return 2 * t.cos() * g
def broken(t):
    return t.dot(torch.ones(2, dtype=torch.float64))
"""


@pytest.fixture
def repl():
    streams = Streams()
    streams.run(PROGRAM)
    return streams


def check(repl, argument):
    """:gradcheck's JSON for argument, and what went to stderr."""
    repl.ctx.printer.fmt = "json"
    out, err = repl.run(f":gradcheck {argument}")
    return (json.loads(out) if out else None), err


# Functions whose derivative mathematics gives, and inputs where finite differences are accurate.
MATHEMATICS = [
    "torch.sin", "torch.exp", "torch.tanh", "torch.sigmoid", "lambda t: t ** 3", "lambda t: 1 / (1 + t * t)",
    "lambda t: (t * t).sum().sqrt()", "lambda t: F.softmax(t, dim=0)", "lambda t: t.cumsum(0) * t.flip(0)",
]


@pytest.mark.parametrize("f", MATHEMATICS)
def test_autograd_agrees_with_finite_differences(repl, f):
    result, err = check(repl, f"{f}, w")
    assert err == ""
    assert result["passed"] and result["inputs"][0]["max_abs_error"] < 1e-8


def test_a_backward_returning_twice_the_gradient_fails_where_mathematics_says(repl):
    result, _ = check(repl, "Wrong.apply, w")
    assert not result["passed"]
    worst = result["inputs"][0]["worst"]
    values = [float(np.float32(v)) for v in (0.3, -1.2, 2.0)]  # w's float32 values, checked in float64
    x = values[worst["input_element"][0]]
    assert worst["output_element"] == worst["input_element"][0]  # sin is elementwise: a diagonal Jacobian
    assert worst["numerical"] == pytest.approx(math.cos(x), abs=1e-8)  # d/dx sin = cos
    assert worst["autograd"] == pytest.approx(2 * math.cos(x), abs=1e-12)
    # The largest error is where |cos| is largest among the inputs.
    assert result["inputs"][0]["max_abs_error"] == pytest.approx(max(abs(math.cos(v)) for v in values), abs=1e-8)


@pytest.mark.parametrize("case", RECORDED["gradchecks"], ids=lambda case: case["f"])
def test_the_verdict_is_pytorchs(case):
    streams = Streams(Session())
    streams.run(RECORDED["setup"])
    result, err = check(streams, f"{case['f']}, {case['inputs']}")
    assert err == ""
    assert result["passed"] is case["passed"]


def test_the_plain_text_per_input_and_the_verdict(repl):
    out, err = repl.run(":gradcheck lambda a, b, k: (a.sum() * b).pow(k), (w, x, 2)")
    assert err == ""
    lines = out.splitlines()
    assert re.fullmatch(r"input 0 w \(3,\) float64 \(a copy of its float32\): max abs error \d\.\de-\d\d ✓", lines[0])
    assert re.fullmatch(r"input 1 x \(2, 2\) float64: max abs error \d\.\de-\d\d ✓", lines[1])
    assert lines[2:] == ["input 2: int, passed as it is",
                         "passed: autograd agrees with finite differences (eps=1e-06, atol=1e-05, rtol=0.001)"]


def test_a_failure_names_the_input_and_where_it_is_worst(repl):
    out, _ = repl.run(":gradcheck Wrong.apply, w")
    lines = out.splitlines()
    assert re.fullmatch(r"input 0 w \(3,\) float64 \(a copy of its float32\): max abs error 9\.6e-01 ✗", lines[0])
    assert lines[1] == "  worst at input element (0,), output element 0: autograd 1.91067, finite differences 0.955336"
    assert lines[2] == "failed for input 0: autograd and finite differences disagree (eps=1e-06, atol=1e-05, rtol=0.001)"


def test_the_programs_tensors_are_left_as_they_were(repl):
    repl.run(":gradcheck torch.sin, (w, x)")
    w, x = repl.session.variables["w"], repl.session.variables["x"]
    assert str(w.dtype) == "torch.float32" and w.requires_grad and w.grad is None
    assert w.tolist() == pytest.approx([0.3, -1.2, 2.0]) and not x.requires_grad


def test_an_output_without_grad_fn_is_counted_as_zero_gradients(repl):
    out, _ = repl.run(":gradcheck lambda t: t.detach() * 2, w")
    assert "note: an output of f has no grad_fn, so autograd gives it zero gradients" in out
    assert "failed" in out


def test_a_module_checks_in_float64(repl):
    repl.run("torch.manual_seed(0)\nnet = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))")
    out, err = repl.run(":gradcheck net, x")
    assert out == ""
    assert err.startswith("error[RuntimeError]: mat1 and mat2 must have the same dtype")
    assert err.endswith("note: gradcheck runs in float64; the module's parameters are float32 "
                        "(.double() converts them, in place)\n")
    result, err = check(repl, "net.double(), x")
    assert err == "" and result["passed"]


def test_an_error_in_f_is_the_programs_with_its_span(repl):
    out, err = repl.run(":gradcheck broken, w")
    assert out == ""
    assert err.startswith("error[RuntimeError]: inconsistent tensor size")
    assert "return t.dot(torch.ones(2, dtype=torch.float64))" in err and "Traceback" not in err
    assert repl.run("1 + 1") == ("2\n", "")  # the session goes on


def test_ctrl_c_stops_the_check():
    def interrupt(t):
        raise KeyboardInterrupt

    session = Session()
    session.builtins["interrupt"] = interrupt
    streams = Streams(session)
    assert streams.run(":gradcheck interrupt, torch.ones(2)") == ("", INTERRUPTED + "\n")


@pytest.mark.parametrize("argument, message", [
    ("", checking.USAGE),
    ("w", checking.USAGE),
    ("3, w", checking.USAGE),
    ("torch.sin, torch.arange(3)", ":gradcheck: no input is a floating-point tensor: there is nothing to differentiate"),
    ("lambda t: 3, w", ":gradcheck: f returned int, not a tensor or a tuple of tensors"),
    ("torch.argmax, w", ":gradcheck: f's output is int64: no floating-point output to differentiate"),
    ("torch.sin, torch.ones(2, dtype=torch.complex64)",
     ":gradcheck: input 0 is complex64: complex gradients are not checked here"),
    ("torch.sin, torch.ones(1001)", ":gradcheck: finite differences would call f 2,002 times (twice per input "
                                   "element), more than 2,000; check on a slice of the inputs, such as x[:4]"),
    ("lambda t: t.expand(1001, 3), w", ":gradcheck: f has 3,003 output elements, one backward pass each, more "
                                       "than 1,000; check a slice or a sum of its output"),
])
def test_what_cannot_be_checked_says_why(repl, argument, message):
    assert repl.run(f":gradcheck {argument}".rstrip()) == ("", message + "\n")


def test_json_gives_the_same_as_data(repl):
    result, _ = check(repl, "lambda a, b, k: a * b * k, (w, x[0, 0].float(), 2)")
    assert result["passed"] and (result["eps"], result["atol"], result["rtol"]) == (1e-6, 1e-5, 1e-3)
    assert result["outputs"] == 3 and result["requires_grad"]
    first, second, third = result["inputs"]
    assert {k: first[k] for k in ("index", "variable", "shape", "dtype", "converted_from", "differentiable",
                                  "passed")} == {"index": 0, "variable": "w", "shape": [3], "dtype": "float64",
                                                 "converted_from": "float32", "differentiable": True, "passed": True}
    assert second["variable"] is None and second["shape"] == [] and second["passed"]
    assert third == {"index": 2, "variable": None, "type": "int", "differentiable": False}


def test_help_names_the_command():
    assert COMMANDS["gradcheck"].usage == ":gradcheck f, inputs"
    assert ":gradcheck f, inputs" in overview()


@pytest.mark.parametrize("factor, passed", [(1.0009, True), (1.0011, False)])
def test_the_tolerance_is_atol_plus_rtol_times_the_numerical_gradient(repl, factor, passed):
    # A gradient of 10 off by 10 * (factor - 1): within 1e-5 + 1e-3 * 10 or not.
    repl.run(f"""
class Scaled(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        return t * 10
    @staticmethod
    def backward(ctx, g):
        return g * 10 * {factor}
""")
    result, _ = check(repl, "Scaled.apply, w")
    assert result["passed"] is passed


def test_an_error_in_a_backward_the_program_wrote_is_the_programs(repl):
    repl.run("""
class Failing(torch.autograd.Function):
    @staticmethod
    def forward(ctx, t):
        return t * 2
    @staticmethod
    def backward(ctx, g):
        return g.view(7)
""")
    out, err = repl.run(":gradcheck Failing.apply, w")
    assert out == "" and err.startswith("error[RuntimeError]: shape '[7]' is invalid for input of size 3")
    assert "return g.view(7)" in err and "Traceback" not in err


def test_exit_in_f_ends_the_session(repl):
    assert repl.run(":gradcheck lambda t: exit(), w") == ("", "")
    assert not repl.ctx.running


def test_nan_gradients_fail(repl):
    out, _ = repl.run(":gradcheck torch.sqrt, torch.tensor([-1.0, 4.0])")  # sqrt of a negative: nan both ways
    assert out.splitlines()[0] == "input 0 (2,) float64 (a copy of its float32): max abs error nan ✗"
    assert out.splitlines()[-1].startswith("failed for input 0")


def test_json_writes_nan_as_the_json_format_does(repl):
    result, _ = check(repl, "torch.sqrt, torch.tensor([-1.0, 4.0])")
    assert result["inputs"][0]["max_abs_error"] == "nan"
    assert result["inputs"][0]["worst"]["autograd"] == "nan"
