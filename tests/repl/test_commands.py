"""REPL commands and the runner, through a real language session and string streams."""

import io
import json
import re

import pytest

from tensorsh.engine.ops.registry import OPS
from tensorsh.lang.session import Session
from tensorsh.repl.commands import COMMANDS, dispatch, habit, variable_rows
from tensorsh.repl.timing import MAX_ROUNDS, Once, Timing, format_seconds, measure
from tensorsh.repl.display import Printer
from tensorsh.repl.runner import INTERRUPTED, Context, execute


class Streams:
    def __init__(self, session=None, fmt="plain"):
        self.out, self.err = io.StringIO(), io.StringIO()
        self.session = session or Session()
        self.ctx = Context(self.session, Printer(fmt, color=False, file=self.out), color=False, err=self.err)

    def run(self, line):
        """Run a command line or program input; return (stdout, stderr) written by it."""
        start_out, start_err = len(self.out.getvalue()), len(self.err.getvalue())
        if line.lstrip().startswith(":"):
            dispatch(self.ctx, line)
        else:
            execute(self.ctx, line)
        return self.out.getvalue()[start_out:], self.err.getvalue()[start_err:]


@pytest.fixture
def repl():
    return Streams()


# ---------------------------------------------------------------- running input

def test_values_print_and_assignments_do_not(repl):
    out, err = repl.run("t = torch.tensor([[1, 2], [3, 4]])\nt\nt.shape")
    assert out == "tensor([[1, 2],\n        [3, 4]])\ntorch.Size([2, 2])\n"
    assert err == ""


def test_an_error_is_rendered_and_the_session_goes_on(repl):
    repl.run("t1 = torch.ones(2, 2)")
    out, err = repl.run("y = 5\nt1.dot(t1)")
    assert out == ""
    assert err.startswith("error[RuntimeError]: 1D tensors expected, but got 2D and 2D tensors\n --> <input>:2:3")
    assert "2 | t1.dot(t1)\n  | --^^^^ --\n  | (2, 2) (2, 2)\n" in err
    assert repl.session.variables["y"] == 5  # assigned before the failing statement, as in Python
    out, _ = repl.run("t1.sum()")
    assert out == "tensor(4.)\n"


def test_output_before_an_error_stays(repl):
    out, err = repl.run("1 + 1\nundefined_name")
    assert out == "2\n"
    assert "NameError" in err


def interruptible() -> Streams:
    """A REPL where `interrupt()` raises KeyboardInterrupt, as Ctrl-C does, and x is 1."""
    def interrupt():
        raise KeyboardInterrupt

    session = Session()
    session.builtins["interrupt"] = interrupt
    streams = Streams(session)
    streams.run("x = 1")
    return streams


def test_an_interrupt_restores_the_variables_as_before_the_input():
    streams = interruptible()
    out, err = streams.run("x = 2\ny = 3\ninterrupt()")
    assert err == INTERRUPTED + "\n"
    assert streams.session.user_variables() == {"x": 1}


def test_an_internal_error_does_not_end_the_session():
    def broken():
        raise LookupError("engine bug")  # not a user exception class: an internal error

    session = Session()
    session.builtins["broken"] = broken
    streams = Streams(session)
    _, err = streams.run("broken()")
    assert "InternalError" in err and "bug in tensorsh" in err
    assert streams.run("1")[0] == "1\n"


# ---------------------------------------------------------------- :help

def test_help_lists_every_registered_command(repl):
    out, _ = repl.run(":help")
    for command in COMMANDS.values():
        assert command.usage in out and command.summary in out
    assert "Ctrl-R" in out


def test_help_name_shows_the_registry_signature_and_doc(repl):
    out, _ = repl.run(":help torch.zeros")
    entry = OPS["zeros"]
    assert out.splitlines()[0] == "torch.zeros(*sizes, size=None, dtype=None, device=None, requires_grad=False, out=None)"
    assert entry.doc.splitlines()[0] in out
    assert "family: creation" in out


def test_help_of_a_method_drops_the_tensor_argument(repl):
    repl.run("t = torch.ones(2, 3)")
    out, _ = repl.run(":help t.unsqueeze")
    assert out.splitlines()[0] == "Tensor.unsqueeze(dim)"
    assert OPS["unsqueeze"].doc.splitlines()[0] in out


def test_help_of_a_method_only_op_by_its_bare_name(repl):
    out, _ = repl.run(":help view")
    assert out.splitlines()[0] == "Tensor.view(*shape)"


def test_help_of_a_module_lists_its_members(repl):
    out, _ = repl.run(":help F")
    members = sorted(repl.session.builtins["F"].members)
    assert out.splitlines()[0] == f"module torch.nn.functional: {len(members)} names"
    for name in members:
        assert name in out


def test_help_of_a_variable_describes_it(repl):
    repl.run("t = torch.ones(2, 3)")
    out, _ = repl.run(":help t")
    assert out.splitlines()[0] == "t: tensor (2, 3) float32"


def test_help_of_a_command(repl):
    out, _ = repl.run(":help :vars")
    assert out.startswith(":vars\n")


def test_help_of_an_unknown_name_suggests_the_closest(repl):
    _, err = repl.run(":help unsqeeze")
    assert err == "no help for 'unsqeeze': it is not a name in scope; did you mean 'unsqueeze'?\n"


def test_unknown_command_suggests_the_closest(repl):
    out, err = repl.run(":hepl")
    assert out == ""
    assert err == "unknown command ':hepl'; did you mean ':help'? (:help lists the commands)\n"
    _, err = repl.run(":varz")
    assert "did you mean ':vars'?" in err


# ---------------------------------------------------------------- :vars, :reset, :load, :format, :quit

def test_variable_rows():
    session = Session()
    session.run("w = torch.tensor([1., 2.], requires_grad=True)\nn = np.zeros((2, 3))\nk = 3\nimport torch as T")
    assert variable_rows(session.user_variables()) == [
        ("k", "int", "", "", "", ""),
        ("n", "ndarray", "(2, 3)", "float64", "", ""),
        ("T", "module torch", "", "", "", ""),
        ("w", "Tensor", "(2,)", "float32", "cpu", "True"),
    ]


def test_vars_prints_a_table(repl):
    out, _ = repl.run(":vars")
    assert out == "no variables yet\n"
    repl.run("a = torch.zeros(3, 2)")
    out, _ = repl.run(":vars")
    lines = [line.split() for line in out.splitlines()]
    assert lines == [["name", "type", "shape", "dtype", "device", "requires_grad"],
                     ["a", "Tensor", "(3,", "2)", "float32", "cpu", "False"]]


def test_reset_forgets_variables_but_not_builtins(repl):
    repl.run("a = 1\nb = 2")
    out, _ = repl.run(":reset")
    assert out == "cleared 2 variables\n"
    assert repl.session.user_variables() == {}
    assert repl.run("torch.ones(1)")[0] == "tensor([1.])\n"


def test_load_runs_a_file_in_the_session(tmp_path, repl):
    program = tmp_path / "prog.tsh"
    program.write_text("x = torch.arange(3)\nx * 2\n")
    out, err = repl.run(f":load {program}")
    assert out == "tensor([0, 2, 4])\n" and err == ""
    assert repl.run("x")[0] == "tensor([0, 1, 2])\n"


def test_load_reports_errors_with_the_file_name(tmp_path, repl):
    program = tmp_path / "bad.tsh"
    program.write_text("a = 1\nb = nope\n")
    _, err = repl.run(f":load {program}")
    assert f"--> {program}:2:5" in err
    assert repl.session.variables["a"] == 1


def test_load_of_a_missing_file(repl):
    _, err = repl.run(":load /no/such/file.tsh")
    assert err == "can't open file '/no/such/file.tsh': No such file or directory\n"


def test_format_switches_the_printer(repl):
    repl.run(":format json")
    out, _ = repl.run("torch.tensor([1, 2])")
    assert json.loads(out)["data"] == [1, 2]
    assert repl.run(":format")[0] == "format: json\n"
    _, err = repl.run(":format rch")
    assert err == "unknown format 'rch'; did you mean 'rich'? (one of rich, plain, json)\n"


def test_quit_and_its_aliases(repl):
    for line in (":quit", ":q", ":exit"):
        repl.ctx.running = True
        repl.run(line)
        assert repl.ctx.running is False


# ---------------------------------------------------------------- :time

class FakeClock:
    """A clock that only moves when the timed statement runs."""

    def __init__(self, cost):
        self.now, self.cost = 0.0, cost

    def __call__(self):
        return self.now

    def run(self):
        self.now += self.cost


def test_measure_grows_runs_per_round_like_timeit():
    clock = FakeClock(0.001)
    timing = measure(clock.run, clock)
    assert timing.loops == 200  # 1, 2, 5, ..., 100 runs take < 0.2 s; 200 runs take 0.2 s
    assert len(timing.per_run) == MAX_ROUNDS
    assert timing.mean == pytest.approx(0.001)
    assert timing.spread == pytest.approx(0.0, abs=1e-12)


def test_measure_of_a_slow_statement_runs_it_fewer_times():
    clock = FakeClock(2.0)
    timing = measure(clock.run, clock)
    assert timing.loops == 1
    assert len(timing.per_run) == 1  # a second 2 s run would pass the 3 s budget
    assert str(timing) == "2 s ± 0 ns per loop (mean ± std. dev. of 1 run, 1 loop each)"


def test_timing_text_is_ipythons():
    # IPython 8's %timeit and %time lines, with their units and their thousands separator
    assert str(Timing([0.001, 0.003], 10)) == ("2 ms ± 1.41 ms per loop (mean ± std. dev. of 2 runs, "
                                               "10 loops each)")
    assert str(Timing([1e-6] * 7, 1_000_000)).endswith("(mean ± std. dev. of 7 runs, 1,000,000 loops each)")
    assert str(Once(wall=0.0015, user=0.0012, system=0.0)) == (
        "CPU times: user 1.2 ms, sys: 0 ns, total: 1.2 ms\nWall time: 1.5 ms")
    assert format_seconds(4.56e-5) == "45.6 µs"
    assert format_seconds(3e-9) == "3 ns"
    assert format_seconds(125.0) == "2min 5s"


def test_time_runs_a_statement_once(repl):
    repl.run("n = 0")
    out, err = repl.run(":time n += 1")
    assert err == ""
    assert re.fullmatch(r"CPU times: user \S+ \S+, sys: \S+ \S+, total: \S+ \S+\nWall time: \S+ \S+\n", out)
    assert repl.session.variables["n"] == 1


def test_time_shows_the_value_after_the_times(repl):
    out, _ = repl.run(":time torch.tensor([1, 2]) * 2")
    assert out.splitlines()[0].startswith("CPU times: user ")
    assert out.splitlines()[1].startswith("Wall time: ")
    assert out.splitlines()[2:] == ["tensor([2, 4])"]
    assert repl.run("_")[0] == "tensor([2, 4])\n"


def test_time_reports_errors(repl):
    _, err = repl.run(":time nope + 1")
    assert err.startswith("error[NameError]: name 'nope' is not defined")
    assert "--> <time>:1:1" in err
    _, err = repl.run(":time")
    assert err.startswith("usage: :time STATEMENT")


def test_timeit_repeats_an_expression(repl):
    repl.run("count = torch.zeros(1)")
    out, err = repl.run(":timeit count.add_(1)")
    assert err == ""
    match = re.fullmatch(r"\S+ \S+ ± \S+ \S+ per loop \(mean ± std\. dev\. of (\d) runs?, ([\d,]+) loops? each\)\n",
                         out)
    assert match, out
    runs, loops = int(match.group(1)), int(match.group(2).replace(",", ""))
    assert repl.session.variables["count"].item() >= runs * loops  # calibration rounds ran it too


@pytest.mark.parametrize("statement, kind", [
    ("n = 1", "an assignment"),
    ("n += 1", "an augmented assignment"),
    ("(m := 3)", "an assignment expression (:=)"),
    ("del n", "del"),
    ("import math", "an import"),
    ("def f(): pass", "a def"),
    ("for i in range(3): n", "a statement"),
])
def test_timeit_refuses_what_repeating_would_change(repl, statement, kind):
    repl.run("n = 0")
    out, err = repl.run(f":timeit {statement}")
    assert out == ""
    assert err == (f":timeit repeats, so it takes an expression, not {kind}; "
                   f"`:time {statement}` runs it once\n")
    assert repl.session.variables["n"] == 0


def test_timeit_reports_errors(repl):
    _, err = repl.run(":timeit nope + 1")
    assert err.startswith("error[NameError]: name 'nope' is not defined") and "--> <timeit>:1:1" in err
    _, err = repl.run(":timeit 1 +")
    assert err.startswith("error[SyntaxError]: invalid syntax")
    _, err = repl.run(":timeit")
    assert err.startswith("usage: :timeit EXPRESSION")


@pytest.mark.parametrize("line", [":time x = 5; interrupt()", ":timeit interrupt()"])
def test_ctrl_c_stops_time_and_timeit(line):
    streams = interruptible()
    out, err = streams.run(line)
    assert (out, err) == ("", INTERRUPTED + "\n")
    assert streams.session.user_variables() == {"x": 1}


def test_help_of_a_class_lists_its_summary_and_methods(repl):
    out, _ = repl.run(":help Tensor")
    assert out.splitlines()[1].startswith("  A multi-dimensional array")
    assert "  pointwise:" in out and "  shape:" in out
    for method in ("add", "unsqueeze", "sum", "backward"):
        assert re.search(rf"\b{method}\b", out)


@pytest.mark.parametrize("name, head", [
    ("nn.Linear", "class nn.Linear(in_features, out_features, bias=True, device=None, dtype=None)"),
    ("torch.nn.Linear", "class torch.nn.Linear(in_features, out_features, bias=True, device=None, dtype=None)"),
    ("F.relu", "F.relu(input, inplace=False)"),
    ("optim.SGD", "class optim.SGD(params, lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=False, "
                  "*, maximize=False, foreach=None, differentiable=False, fused=None)"),
])
def test_help_of_nn_and_optim_names(repl, name, head):
    # the signatures are torch 2.13's (inspect.signature of torch.nn.Linear.__init__, ...)
    out, err = repl.run(f":help {name}")
    assert err == ""
    assert out.splitlines()[0] == head
    assert out.splitlines()[1].strip()  # its summary


@pytest.mark.parametrize("word", ["for", "if", "while", "def", "class", "with", "import", "lambda", "return"])
def test_help_of_a_keyword(repl, word):
    out, err = repl.run(f":help {word}")
    assert err == ""
    assert out.splitlines()[0] == f"keyword {word}"
    assert word in out.splitlines()[1]  # its form


@pytest.mark.parametrize("line, note", [
    ("ls", ":vars lists the variables"),
    ("whos", ":vars lists the variables"),
    ("clear", "Ctrl-L clears the screen"),
    ("cls", "Ctrl-L clears the screen"),
    ("history", "Up and Ctrl-R go through the history"),
])
def test_shell_habits_point_to_the_repls_way(repl, line, note):
    _, err = repl.run(line)
    assert err.splitlines()[0] == f"error[NameError]: name '{line}' is not defined"  # no namesake (`cos`)
    assert err.splitlines()[-1] == f"  = note: in tensorsh, {note}"


@pytest.mark.parametrize("typed, meant", [("quti", "quit"), ("exti", "exit"), ("hlep", "help"), ("pirnt", "print"),
                                          ("sofmax", "softmax"), ("flaot32", "float32")])
def test_near_misses_are_suggested(repl, typed, meant):
    _, err = repl.run(typed)
    assert err.splitlines()[0] == f"error[NameError]: name '{typed}' is not defined; did you mean '{meant}'?"


@pytest.mark.parametrize("source", ["mv = 1\nv", "clear", "lenght", "x"])
def test_far_names_are_not_suggested(repl, source):
    # a word of one or two letters gets no guess (`v` is not `mv`), and a far one none (`clear` is not `lerp`)
    _, err = repl.run(source)
    assert err.startswith("error[NameError]: ") and "did you mean" not in err.splitlines()[0]


def test_the_program_help_says_how_to_use_it(repl):
    out, _ = repl.run("help")
    assert out == "Type help() for help, help(obj) for a name, help('syntax') for the language.\n"


def test_help_of_a_python_builtin_points_to_the_torch_namesake(repl):
    out, _ = repl.run(":help sum")
    assert out.splitlines()[0] == "sum(iterable, /, start=0)"  # the language's `sum` is Python's
    assert out.splitlines()[-1] == "  (this is Python's sum; PyTorch's is torch.sum: `:help torch.sum`)"


def test_debug_shows_the_python_traceback_behind_an_error():
    streams = Streams()
    streams.ctx.debug = True
    _, err = streams.run("torch.ones(2, 2).dot(torch.ones(2, 2))")
    assert err.startswith("Traceback (most recent call last):")
    assert "error[RuntimeError]: 1D tensors expected, but got 2D and 2D tensors" in err


def test_ipythons_spellings_point_to_the_commands():
    assert habit("%timeit a @ b") == "tensorsh spells that `:timeit a @ b` (commands start with ':'; :help lists them)"
    assert habit("%time n += 1") == "tensorsh spells that `:time n += 1` (commands start with ':'; :help lists them)"
