"""`:shape EXPR`: the sub-expression tree, its shapes (mathematics: the shapes of matrix products
and broadcasts), one evaluation, and its plain, json and terminal forms."""

from __future__ import annotations

import json

from tensorsh.lang.session import Session
from tensorsh.lang.tracing import Step, trace
from tests.repl.test_commands import Streams
from tests.repl.test_terminal import lines, term  # noqa: F401 - term is a fixture, shared

SETUP = "x = torch.ones(4, 784)\nw = torch.zeros(784, 10, requires_grad=True)\nb = torch.zeros(10)"


def repl(fmt: str = "plain") -> Streams:
    streams = Streams(fmt=fmt)
    streams.run(SETUP)
    return streams


def test_the_tree_shows_each_sub_expression_with_shape_and_dtype():
    out, err = repl().run(":shape F.softmax(x @ w + b, dim=1)")
    assert err == ""
    assert out.splitlines() == [
        "F.softmax(x @ w + b, dim=1)  (4, 10)    float32  requires_grad",
        "└─ x @ w + b                 (4, 10)    float32  requires_grad",
        "   ├─ x @ w                  (4, 10)    float32  requires_grad",
        "   │  ├─ x                   (4, 784)   float32",
        "   │  └─ w                   (784, 10)  float32  requires_grad",
        "   └─ b                      (10,)      float32",
    ]


def test_python_values_show_their_type_and_value():
    out, _ = repl().run(":shape x.shape[1] * 2")
    assert [line.split() for line in out.splitlines()] == [
        ["x.shape[1]", "*", "2", "int", "1568"],
        ["└─", "x.shape[1]", "int", "784"],
        ["└─", "x.shape", "Size", "torch.Size([4,", "784])"],
        ["└─", "x", "(4,", "784)", "float32"],
    ]


def test_json_gives_the_tree_as_nested_objects():
    out, _ = repl("json").run(":shape x @ w + b")
    tree = json.loads(out)
    assert tree["type"] == "shape"
    root, = tree["steps"]
    assert (root["source"], root["shape"], root["dtype"], root["requires_grad"]) == ("x @ w + b", [4, 10], "float32", True)
    assert [child["source"] for child in root["children"]] == ["x @ w", "b"]
    assert [leaf["shape"] for leaf in root["children"][0]["children"]] == [[4, 784], [784, 10]]


def test_a_failing_expression_shows_what_ran_then_the_error():
    out, err = repl().run(":shape (x @ w) + torch.ones(3)")
    rows = out.splitlines()
    assert rows[0].split()[-2:] == ["not", "evaluated"]
    assert rows[1].split()[1:5] == ["x", "@", "w", "(4,"]
    assert err.startswith("error[RuntimeError]: The size of tensor a (10) must match the size of tensor b (3)")


def test_the_expression_runs_once():
    streams = repl()
    streams.run("calls = []\ndef f():\n    calls.append(1)\n    return torch.ones(2)")
    streams.run(":shape f() + f()")
    assert streams.run("len(calls)")[0] == "2\n"


def test_statements_and_syntax_errors_are_refused_before_anything_runs():
    streams = repl()
    assert streams.run(":shape y = x")[1] == ":shape takes an expression, not a statement: y = x\n"
    assert streams.run(":shape x +")[1].startswith("error[SyntaxError]")
    assert streams.run(":shape")[1].startswith("usage: :shape EXPR")
    assert "y" not in streams.session.variables


def test_slices_callees_and_modules_are_not_steps():
    session = Session()
    session.run(SETUP, "<t>")
    steps, error = trace(session, "torch.cat([x, x])[1:3, 0:2].sum()")
    assert error is None

    def sources(step: Step) -> list[str]:
        return [step.source] + [s for child in step.children for s in sources(child)]

    assert sources(steps[0]) == ["torch.cat([x, x])[1:3, 0:2].sum()", "torch.cat([x, x])[1:3, 0:2]",
                                 "torch.cat([x, x])", "[x, x]", "x", "x"]


def test_the_steps_keep_descriptions_not_values():
    session = Session()
    session.run(SETUP, "<t>")
    steps, _ = trace(session, "x * 2")
    from tensorsh.engine.tensor import Tensor

    def values(step: Step):
        yield from vars(step.value).values()
        for child in step.children:
            yield from values(child)

    assert not any(isinstance(v, Tensor) for v in values(steps[0]))


def test_shape_in_a_terminal(term):
    term.run("a = torch.ones(2, 3)")
    shown = lines(term.run(":shape a.T @ a"))
    assert [row.split() for row in shown[-4:]] == [
        ["a.T", "@", "a", "(3,", "3)", "float32"],
        ["├─", "a.T", "(3,", "2)", "float32"],
        ["│", "└─", "a", "(2,", "3)", "float32"],
        ["└─", "a", "(2,", "3)", "float32"],
    ]
