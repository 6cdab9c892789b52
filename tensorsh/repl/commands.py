"""REPL commands (`:help`, `:vars`, ...): each registers itself, and the registry is the help.

A command is a function `(ctx, argument)` decorated with `@command(name, args)`; its
docstring's first line is its line in `:help`, and completion offers the registry's
names. `dispatch(ctx, line)` runs one command line; an unknown name suggests the
closest known one.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

from tensorsh.lang import namespace
from tensorsh.lang.errors import TensorshError, closest
from tensorsh.lang import describe, helptext, signatures
from tensorsh.repl.display import FORMATS
from tensorsh.repl.runner import INTERRUPTED, Context, execute
from tensorsh.repl.timing import measure, time_once


@dataclass(frozen=True)
class Command:
    name: str
    fn: Callable[[Context, str], None]
    args: str
    summary: str
    aliases: tuple[str, ...] = ()
    code: bool = False  # its argument is program text (Tab completes it as such)

    @property
    def usage(self) -> str:
        return f":{self.name} {self.args}".rstrip()


COMMANDS: dict[str, Command] = {}


def command(name: str, args: str = "", aliases: tuple[str, ...] = (), code: bool = False):
    """Register the decorated function as the REPL command `:name`; `code`: it takes program text."""

    def register(fn):
        COMMANDS[name] = Command(name, fn, args, signatures.first_line(fn.__doc__), tuple(aliases), code)
        return fn

    return register


def find(name: str) -> Command | None:
    """The command called `name` or having it as an alias."""
    if name in COMMANDS:
        return COMMANDS[name]
    return next((c for c in COMMANDS.values() if name in c.aliases), None)


_HABITS = (  # IPython's spellings -> tensorsh's commands
    (re.compile(r"^\s*\?\??\s*([\w.]+)\s*$|^\s*([\w.]+)\s*\?\??\s*$"), "help"),
    (re.compile(r"^\s*%%?timeit\b\s*(.*)$", re.S), "timeit"),
    (re.compile(r"^\s*%%?time\b\s*(.*)$", re.S), "time"),
    (re.compile(r"^\s*%who\b"), "vars"),
)


def habit(text: str) -> str | None:
    """For IPython's `x?`, `%timeit ...`, `%time ...`, `%who`: the tensorsh command to use instead."""
    for pattern, command in _HABITS:
        match = pattern.match(text)
        if match:
            argument = next((g for g in match.groups() if g), "").strip() if match.groups() else ""
            shown = f":{command} {argument}".rstrip()
            return f"tensorsh spells that `{shown}` (commands start with ':'; :help lists them)"
    return None


def dispatch(ctx: Context, line: str) -> None:
    """Run one command line such as `:help softmax`."""
    name, _, argument = line.strip()[1:].partition(" ")
    found = find(name)
    if found is None:
        names = [c.name for c in COMMANDS.values()] + [a for c in COMMANDS.values() for a in c.aliases]
        suggestion = closest(name, names)
        hint = f"; did you mean ':{suggestion}'?" if suggestion else ""
        ctx.error(f"unknown command ':{name}'{hint} (:help lists the commands)")
        return
    found.fn(ctx, argument.strip())


# ---------------------------------------------------------------- :help

KEYS = (
    ("Enter", "run; inside brackets, after an operator or `\\` start a new line"),
    ("Alt-Enter", "start a new line even though the input could run"),
    ("Tab", "complete names, attributes, keyword arguments, dtypes, paths"),
    ("Up / Down", "earlier inputs, multi-line statements whole"),
    ("Ctrl-R", "search the history"),
    ("Ctrl-C", "clear the line, or stop a running computation"),
    ("Ctrl-D", "leave (on an empty line)"),
)


@command("help", "[NAME]", aliases=("h", "?"))
def help_command(ctx: Context, argument: str) -> None:
    """What NAME is and what it takes; alone, this overview.

    NAME may be a builtin, a method of a variable, a module member, a variable or a command.
    """
    if argument:
        if argument.startswith(":"):
            found = find(argument[1:])
            text = None if found is None else f"{found.usage}\n" + textwrap.indent(inspect.getdoc(found.fn), "  ")
        else:
            text = helptext.help_text(argument, ctx.session)
        if text is None:
            ctx.error(helptext.no_help(argument, ctx.session))
        else:
            ctx.printer.print(text)
        return
    ctx.printer.print(overview())


def overview() -> str:
    """The `:help` text: what the REPL is, its commands (from the registry) and keys."""
    width = max(len(c.usage) for c in COMMANDS.values())
    lines = ["Type PyTorch code: `t = torch.rand(2, 3)`, `t.sum(dim=0)`, `F.softmax(t, 1)`.",
             "A value on its own line is printed; a trailing `;` keeps it quiet.", "", "Commands:"]
    lines += [f"  {c.usage:<{width}}  {c.summary}" for c in COMMANDS.values()]
    lines += ["", "Keys:"]
    key_width = max(len(k) for k, _ in KEYS)
    lines += [f"  {k:<{key_width}}  {v}" for k, v in KEYS]
    return "\n".join(lines)


# ---------------------------------------------------------------- :vars

def variable_rows(variables: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """(name, type, shape, dtype, device, requires_grad) for each variable, sorted by name."""
    import numpy

    rows = []
    for name in sorted(variables, key=str.lower):
        value = variables[name]
        if describe.is_tensor(value):
            rows.append((name, "Tensor", _shape(value.shape), str(value.dtype).removeprefix("torch."),
                         str(value.device.type), str(bool(value.requires_grad))))
        elif isinstance(value, numpy.ndarray):
            rows.append((name, "ndarray", _shape(value.shape), str(value.dtype), "", ""))
        elif isinstance(value, namespace.Namespace):
            rows.append((name, f"module {value.name}", "", "", "", ""))
        elif describe.is_module(value):
            rows.append((name, f"nn {type(value).__name__}", describe.module_summary(value), "", "", ""))
        else:
            rows.append((name, type(value).__name__, "", "", "", ""))
    return rows


def _shape(shape) -> str:
    return str(tuple(int(d) for d in shape))


@command("vars")
def vars_command(ctx: Context, argument: str) -> None:
    """Variables: type, shape, dtype, device, requires_grad."""
    rows = variable_rows(ctx.session.user_variables())
    if not rows:
        ctx.printer.print("no variables yet")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("name", "type", "shape", "dtype", "device", "requires_grad"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    ctx.printer.print(table)


# ---------------------------------------------------------------- session commands

@command("reset")
def reset_command(ctx: Context, argument: str) -> None:
    """Forget every variable (builtins stay)."""
    count = len(ctx.session.user_variables())
    ctx.session.reset()
    ctx.printer.print(f"cleared {count} variable{'s' if count != 1 else ''}")


@command("load", "FILE")
def load_command(ctx: Context, argument: str) -> None:
    """Run a .tsh file here; its variables stay."""
    if not argument:
        ctx.error("usage: :load FILE")
        return
    path = argument.strip().strip("'\"")
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        ctx.error(f"can't open file '{path}': {exc.strerror if isinstance(exc, OSError) else exc}")
        return
    execute(ctx, source, path)


@command("format", "plain|rich|json")
def format_command(ctx: Context, argument: str) -> None:
    """Print values rich, plain (the repr) or json."""
    if not argument:
        ctx.printer.print(f"format: {ctx.printer.fmt}")
        return
    if argument not in FORMATS:
        suggestion = closest(argument, FORMATS)
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        ctx.error(f"unknown format '{argument}'{hint} (one of {', '.join(FORMATS)})")
        return
    ctx.printer.fmt = argument


# ---------------------------------------------------------------- :time, :timeit

@command("time", "STATEMENT", code=True)
def time_command(ctx: Context, argument: str) -> None:
    """Run STATEMENT once; its wall and CPU time, then its value."""
    if not argument:
        ctx.error("usage: :time STATEMENT   (for example  :time a @ b)")
        return
    session = ctx.session
    try:
        code = session.prepare(argument, "<time>")  # compiled first: the time is the run's alone
    except TensorshError as error:
        ctx.report(error)
        return
    shown: list[Any] = []
    snapshot = dict(session.variables)
    try:
        once, _ = time_once(lambda: session.execute(code, shown.append))
    except TensorshError as error:
        ctx.report(error.located("<time>", argument))
        return
    except KeyboardInterrupt:
        _restore(session.variables, snapshot)
        ctx.error(INTERRUPTED)
        return
    ctx.printer.print(str(once))  # before the value, as IPython's %time shows them
    for value in shown:
        ctx.printer.show(value)
        session.variables["_"] = value


# What :timeit refuses: statements whose effect repeating would change.
_NOT_REPEATABLE = {
    ast.Assign: "an assignment", ast.AugAssign: "an augmented assignment", ast.AnnAssign: "an assignment",
    ast.NamedExpr: "an assignment expression (:=)", ast.Delete: "del", ast.Import: "an import",
    ast.ImportFrom: "an import", ast.FunctionDef: "a def", ast.ClassDef: "a class",
    ast.Global: "global", ast.Nonlocal: "nonlocal",
}


def not_repeatable(source: str) -> str | None:
    """What in `source` :timeit must not repeat (`an assignment`, `del`, ...); None for expressions."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None  # the language reports it, with its span
    for node in ast.walk(tree):
        kind = _NOT_REPEATABLE.get(type(node))
        if kind is not None:
            return kind
    for statement in tree.body:
        if not isinstance(statement, ast.Expr):
            return "a statement"
    return None


@command("timeit", "EXPRESSION", code=True)
def timeit_command(ctx: Context, argument: str) -> None:
    """Repeat EXPRESSION (loops chosen automatically); mean ± std. dev. per loop."""
    if not argument:
        ctx.error("usage: :timeit EXPRESSION   (for example  :timeit a @ b)")
        return
    kind = not_repeatable(argument)
    if kind is not None:
        ctx.error(f":timeit repeats, so it takes an expression, not {kind}; "
                  f"`:time {argument.strip()}` runs it once")
        return
    session = ctx.session
    try:
        code = session.prepare(argument, "<timeit>")  # compiled once: the compiler would swamp small ops
    except TensorshError as error:
        ctx.report(error)
        return
    snapshot = dict(session.variables)
    try:
        timing = measure(lambda: session.execute(code))
    except TensorshError as error:
        ctx.report(error.located("<timeit>", argument))
        return
    except KeyboardInterrupt:
        _restore(session.variables, snapshot)
        ctx.error(INTERRUPTED)
        return
    except ValueError as error:
        ctx.error(str(error))
        return
    ctx.printer.print(str(timing))


def _restore(variables: dict, snapshot: dict) -> None:
    variables.clear()
    variables.update(snapshot)


@command("quit", aliases=("q", "exit"))
def quit_command(ctx: Context, argument: str) -> None:
    """Leave tensorsh (Ctrl-D does too)."""
    ctx.running = False


from tensorsh.repl import seeing  # noqa: E402,F401 - registers :stats, :hist, :show, :summarize
from tensorsh.repl import graphs, checking  # noqa: E402,F401 - registers :graph, :gradcheck
from tensorsh.repl import shape_tree  # noqa: E402,F401 - registers :shape
