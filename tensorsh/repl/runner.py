"""Running one input in the session: values shown, errors rendered, interrupts survived.

`execute` is what Enter does and what `:load` does. An error prints the language's
diagnostic (colour when the terminal has it) and the session goes on: variables
assigned before the failing statement stay, as in Python. Ctrl-C during a computation
raises KeyboardInterrupt in the evaluator; `execute` puts the variables back as they
were before the input (a shallow snapshot: a tensor changed in place stays changed)
and returns to the prompt.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from tensorsh.lang.errors import TensorshError, internal_error, render
from tensorsh.lang.exits import ExitRequest
from tensorsh.repl.display import Printer

INTERRUPTED = "KeyboardInterrupt: stopped; the variables are as they were before this input"

# Words typed at other REPLs and shells, and what tensorsh has instead: a note under the
# NameError when one is typed alone and is not a name here.
HABITS = {
    "clear": "Ctrl-L clears the screen", "cls": "Ctrl-L clears the screen",
    "ls": ":vars lists the variables", "who": ":vars lists the variables", "whos": ":vars lists the variables",
    "vars": ":vars lists the variables", "history": "Up and Ctrl-R go through the history",
    "reset": ":reset forgets the variables", "commands": ":help lists the commands",
}


def _with_habit(error: TensorshError, source: str) -> TensorshError:
    word = source.strip()
    if error.kind == "NameError" and word in HABITS and error.note is None \
            and error.message.startswith(f"name '{word}' is not defined"):
        error.message = f"name '{word}' is not defined"  # the habit, not a namesake such as `cos` for `cls`
        error.note = f"in tensorsh, {HABITS[word]}"
    return error


@dataclass
class Context:
    """What the REPL loop and its commands share: the session, the printer, the streams."""

    session: Any
    printer: Printer = field(default_factory=Printer)
    color: bool = True
    err: TextIO | None = None
    running: bool = True  # False once :quit ran
    debug: bool = False

    @property
    def out(self) -> TextIO:
        return self.printer.stream

    @property
    def error_stream(self) -> TextIO:
        return self.err if self.err is not None else sys.stderr

    def error(self, text: str) -> None:
        """Write a message to the error stream, after anything already printed."""
        self.out.flush()
        self.error_stream.write(text if text.endswith("\n") else text + "\n")
        self.error_stream.flush()

    def report(self, error: TensorshError) -> None:
        """Print a language error with its span, in colour when enabled."""
        if self.debug and error.__cause__ is not None:
            import traceback

            traceback.print_exception(error.__cause__, file=self.error_stream)
        self.error(render(error, color=self.color))


def execute(ctx: Context, source: str, filename: str = "<input>") -> bool:
    """Run `source` in the session, showing values as they come; True if it ran to the end."""
    variables = ctx.session.variables
    snapshot = dict(variables)

    def show(value: Any) -> None:
        ctx.printer.show(value)
        variables["_"] = value  # the last value shown, as in Python's REPL

    try:
        ctx.session.run(source, filename, show)
    except ExitRequest:
        ctx.running = False
        return True
    except TensorshError as error:
        ctx.report(_with_habit(error, source))
        return False
    except KeyboardInterrupt:
        variables.clear()
        variables.update(snapshot)
        ctx.error(INTERRUPTED)
        return False
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not end the person's session
        ctx.report(internal_error(exc, None).located(filename, source))
        return False
    return True


NOTHING = object()  # what `evaluate` returns after reporting an error: None is a value


def is_statement(text: str) -> bool:
    """Whether `text` is statements rather than one expression (`x = 1`, not `x + 1`). Text that
    does not parse at all is neither: the language reports its syntax error, located."""
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        try:
            ast.parse(text)
        except SyntaxError:
            return False
        return True
    return False


def evaluate(ctx: Context, expression: str, filename: str = "<input>") -> Any:
    """The value of one expression, computed in the session as any input is (validated, guarded);
    NOTHING once an error, a statement or an interrupt has been reported. For commands that take
    an expression: `:stats x[0]`, `:graph loss`."""
    if is_statement(expression):
        ctx.error(f"this takes an expression, not a statement: {expression.strip()}")
        return NOTHING
    values: list[Any] = []
    session = ctx.session
    try:
        session.execute(session.prepare(expression.strip(), filename), values.append)
    except TensorshError as error:
        ctx.report(error.located(filename, expression.strip()))
        return NOTHING
    except KeyboardInterrupt:
        ctx.error(INTERRUPTED)
        return NOTHING
    return values[0] if values else None
