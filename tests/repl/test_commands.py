"""REPL commands and the runner, through a real language session and string streams."""

import io
import json

import pytest

from tensorsh.engine.ops.registry import OPS
from tensorsh.lang.session import Session
from tensorsh.repl.commands import COMMANDS, dispatch, variable_rows
from tensorsh.repl.timing import MAX_ROUNDS, Timing, format_seconds, measure
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
    assert err.startswith("error[RuntimeError]: 1D tensors expected, but got 2D and 2D tensors\n --> <input>:2:1")
    assert "2 | t1.dot(t1)" in err and "  | ^^^^^^^^^^" in err
    assert repl.session.variables["y"] == 5  # assigned before the failing statement, as in Python
    out, _ = repl.run("t1.sum()")
    assert out == "tensor(4.)\n"


def test_output_before_an_error_stays(repl):
    out, err = repl.run("1 + 1\nundefined_name")
    assert out == "2\n"
    assert "NameError" in err


def test_an_interrupt_restores_the_variables_as_before_the_input():
    def interrupt():
        raise KeyboardInterrupt

    session = Session()
    session.builtins["interrupt"] = interrupt
    streams = Streams(session)
    streams.run("x = 1")
    out, err = streams.run("x = 2\ny = 3\ninterrupt()")
    assert err == INTERRUPTED + "\n"
    assert session.user_variables() == {"x": 1}


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
    assert out.splitlines()[0] == "torch.zeros(*size, dtype=None, device=None, requires_grad=False, out=None)"
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
    assert str(timing) == "2 s (one run)"


def test_timing_text():
    assert str(Timing([0.001, 0.003], 10)) == ("2 ms ± 1.41 ms per run (mean ± std. dev. of 2 rounds, "
                                               "10 runs each)")
    assert format_seconds(4.56e-5) == "45.6 µs"
    assert format_seconds(3e-9) == "3 ns"


def test_time_command_runs_the_statement(repl):
    repl.run("a = torch.ones(4, 4)\ncount = torch.zeros(1)")
    out, err = repl.run(":time count.add_(1)")
    assert err == ""
    assert "per run (mean ± std. dev. of" in out or "(one run)" in out
    runs = int(repl.session.variables["count"].item())
    assert runs >= 2  # it really ran, several times, and kept no display


def test_time_reports_errors(repl):
    _, err = repl.run(":time nope + 1")
    assert err.startswith("error[NameError]: name 'nope' is not defined")
    assert "--> <time>:1:1" in err
    _, err = repl.run(":time")
    assert err.startswith("usage: :time STATEMENT")


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
