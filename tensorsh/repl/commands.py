"""REPL commands (`:help`, `:vars`, ...): each registers itself, and the registry is the help.

A command is a function `(ctx, argument)` decorated with `@command(name, args)`; its
docstring's first line is its line in `:help`, and completion offers the registry's
names. `dispatch(ctx, line)` runs one command line; an unknown name suggests the
closest known one.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

from tensorsh.lang.errors import TensorshError, closest
from tensorsh.lang import namespace
from tensorsh.repl import signatures
from tensorsh.repl.display import FORMATS
from tensorsh.repl.runner import Context, execute


@dataclass(frozen=True)
class Command:
    name: str
    fn: Callable[[Context, str], None]
    args: str
    summary: str
    aliases: tuple[str, ...] = ()

    @property
    def usage(self) -> str:
        return f":{self.name} {self.args}".rstrip()


COMMANDS: dict[str, Command] = {}


def command(name: str, args: str = "", aliases: tuple[str, ...] = ()):
    """Register the decorated function as the REPL command `:name`."""

    def register(fn):
        COMMANDS[name] = Command(name, fn, args, signatures.first_line(fn.__doc__), tuple(aliases))
        return fn

    return register


def find(name: str) -> Command | None:
    """The command called `name` or having it as an alias."""
    if name in COMMANDS:
        return COMMANDS[name]
    return next((c for c in COMMANDS.values() if name in c.aliases), None)


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
        text = help_text(argument, ctx.session)
        if text is None:
            ctx.error(no_help(argument, ctx.session))
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


def help_text(name: str, session: Any) -> str | None:
    """The help for a command, a builtin, a method (`t.view`), a module member or a variable."""
    if name.startswith(":"):
        found = find(name[1:])
        return None if found is None else f"{found.usage}\n  {found.summary}"
    try:
        value = signatures.resolve(name, session)
    except LookupError:
        entry = signatures.op_named(name.rpartition(".")[2]) if name.isidentifier() or "." in name else None
        return _op_help(entry, name, method=not entry.function) if entry is not None else None
    if isinstance(value, namespace.Namespace):
        members = sorted(value.members)
        return f"module {value.name}: {len(members)} names\n" + _columns(members)
    if callable(value) and not isinstance(value, type):
        entry = signatures.op_for(value)
        is_method = getattr(value, "__self__", None) is not None and "." in name
        if entry is not None:
            return _op_help(entry, name, method=is_method)
        line = signatures.signature_line(name, value, width=None)
        doc = _doc(value)
        text = f"{line}\n{_indent(doc)}" if doc else line
        namesake = signatures.op_named(name) if name.isidentifier() else None
        if namesake is not None and namesake.function:  # Python's sum, min, max, abs, round
            text += f"\n  (this is Python's {name}; PyTorch's is torch.{name}: `:help torch.{name}`)"
        return text
    if isinstance(value, type):
        doc = _doc(value)
        return f"class {name}\n{_indent(doc)}" if doc else f"class {name}"
    described = signatures.describe_value(value)
    attributes = session.attributes(value) if hasattr(session, "attributes") else []
    text = f"{name}: {described}"
    if attributes:
        text += f"\n  {len(attributes)} attributes; `:help {name}.NAME` describes one, Tab after `{name}.` lists them"
    return text


def _op_help(entry, name: str, method: bool) -> str:
    shown = name.rpartition(".")[2] if method else name
    signature = signatures.signature_of(entry.fn, as_method=method)
    head = f"{shown}{signature}" if signature is not None else entry.signature
    if method:
        head = f"Tensor.{head}"
    forms = []
    if entry.function:
        forms.append(f"torch.{entry.name}(...)")
    if entry.method:
        forms.append(f"tensor.{entry.name}(...)")
    lines = [head, _indent(entry.doc or "(no description)")]
    detail = f"family: {entry.family}"
    if forms:
        detail += "; forms: " + ", ".join(forms)
    if entry.aliases:
        detail += "; also called " + ", ".join(entry.aliases)
    lines.append(_indent(detail))
    return "\n".join(lines)


def _doc(value: Any) -> str:
    import inspect

    return (inspect.getdoc(value) or "").strip()


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.splitlines())


def _columns(names: list[str], width: int = 78) -> str:
    cell = max((len(n) for n in names), default=0) + 2
    per_row = max(1, (width - 2) // cell)
    rows = [names[i:i + per_row] for i in range(0, len(names), per_row)]
    return "\n".join("  " + "".join(n.ljust(cell) for n in row).rstrip() for row in rows)


def no_help(name: str, session: Any) -> str:
    """The message for a name with no help, with the closest known name."""
    from tensorsh.repl.signatures import _ops

    head = name.rpartition(".")[2]
    candidates = list(session.variables) + list(session.builtins) + list(_ops())
    suggestion = closest(head, candidates)
    hint = f"; did you mean '{suggestion}'?" if suggestion and suggestion != head else ""
    return f"no help for '{name}': it is not a name in scope{hint}"


# ---------------------------------------------------------------- :vars

def variable_rows(variables: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """(name, type, shape, dtype, device, requires_grad) for each variable, sorted by name."""
    import numpy

    rows = []
    for name in sorted(variables, key=str.lower):
        value = variables[name]
        if signatures._is_tensor(value):
            rows.append((name, "Tensor", _shape(value.shape), str(value.dtype).removeprefix("torch."),
                         str(value.device.type), str(bool(value.requires_grad))))
        elif isinstance(value, numpy.ndarray):
            rows.append((name, "ndarray", _shape(value.shape), str(value.dtype), "", ""))
        elif isinstance(value, namespace.Namespace):
            rows.append((name, f"module {value.name}", "", "", "", ""))
        else:
            rows.append((name, type(value).__name__, "", "", "", ""))
    return rows


def _shape(shape) -> str:
    return str(tuple(int(d) for d in shape))


@command("vars")
def vars_command(ctx: Context, argument: str) -> None:
    """Variables: type, shape, dtype, device, requires_grad."""
    rows = variable_rows(ctx.session.variables)
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
    count = len(ctx.session.variables)
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


# ---------------------------------------------------------------- :time

TARGET_SECONDS = 0.2  # per round; enough to average out the timer's resolution
MAX_ROUNDS = 7
MAX_TOTAL_SECONDS = 3.0


@dataclass
class Timing:
    per_run: list[float]  # seconds per run, one mean per round
    loops: int  # runs per round

    @property
    def mean(self) -> float:
        return statistics.fmean(self.per_run)

    @property
    def spread(self) -> float:
        return statistics.stdev(self.per_run) if len(self.per_run) > 1 else 0.0

    def __str__(self) -> str:
        rounds = len(self.per_run)
        if rounds == 1 and self.loops == 1:
            return f"{format_seconds(self.mean)} (one run)"
        return (f"{format_seconds(self.mean)} ± {format_seconds(self.spread)} per run "
                f"(mean ± std. dev. of {rounds} round{'s' if rounds > 1 else ''}, "
                f"{self.loops} run{'s' if self.loops > 1 else ''} each)")


def format_seconds(seconds: float) -> str:
    """A duration with a unit that keeps 3 significant digits: `1.23 ms`, `45.6 µs`."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def measure(run: Callable[[], Any], clock: Callable[[], float] = time.perf_counter) -> Timing:
    """Time `run` as timeit does: runs per round grow 1, 2, 5, 10, ... until a round takes 0.2 s,
    then up to 7 rounds, stopping early once 3 s have gone by."""
    loops, step = 1, 0
    began = clock()
    while True:
        elapsed = _round(run, loops, clock)
        if elapsed >= TARGET_SECONDS or clock() - began >= MAX_TOTAL_SECONDS:
            break
        step += 1
        loops = (1, 2, 5)[step % 3] * 10 ** (step // 3)
    per_run = [elapsed / loops]
    while len(per_run) < MAX_ROUNDS and clock() - began + elapsed <= MAX_TOTAL_SECONDS:
        per_run.append(_round(run, loops, clock) / loops)
    return Timing(per_run, loops)


def _round(run: Callable[[], Any], loops: int, clock: Callable[[], float]) -> float:
    start = clock()
    for _ in range(loops):
        run()
    return clock() - start


@command("time", "STATEMENT")
def time_command(ctx: Context, argument: str) -> None:
    """Mean time per run of STATEMENT, and its spread."""
    if not argument:
        ctx.error("usage: :time STATEMENT   (for example  :time a @ b)")
        return
    from tensorsh.lang.evaluator import Evaluator
    from tensorsh.lang.parser import parse

    session = ctx.session
    try:
        # Parse once: timing the parser would swamp small tensor ops.
        module = parse(argument, "<time>")
    except TensorshError as error:
        ctx.report(error)
        return
    evaluator = Evaluator(session.builtins, session.variables, getattr(session, "modules", None))
    try:
        timing = measure(lambda: evaluator.run(module, None))
    except TensorshError as error:
        ctx.report(error.located("<time>", argument))
        return
    if not math.isfinite(timing.mean):
        ctx.error("the timer failed")
        return
    ctx.printer.print(str(timing))


@command("quit", aliases=("q", "exit"))
def quit_command(ctx: Context, argument: str) -> None:
    """Leave tensorsh (Ctrl-D does too)."""
    ctx.running = False
