"""The language as a library: what the CLI runs programs with, and the REPL builds on.

    from tensorsh.lang.session import Session

    session = Session(files_allowed=True)       # its own variables; builtins, torch, F, np, grad
    Session(backend="torch")                     # the same language on the installed PyTorch
    session.run("x = tensor([1, 2])\\nx * 2", "<stdin>", display=lambda v: print(repr(v)))
    session.variables["x"]                       # the program's variables, a plain dict
    session.names()                              # every name in scope (for completion)
    session.attributes(value)                    # the attribute names a program may use on value
    session.signature(value)                     # "softmax(input, dim=None, ...)" for a callable, or None
    session.reset()                              # forget the variables

`Session.run(source, filename, display)` parses, validates and compiles the whole source
first (a syntax error, or a construct outside the language, runs nothing), then runs it,
calling `display(value)` for every value a top-level expression statement shows (not
None, no trailing `;`, not inside a block or function). Any failure raises
`TensorshError` with its file name and source attached, ready for
`errors.render(error, color)`; variables assigned before the failure are kept.
Nothing else leaves `run`: a bug of ours becomes an InternalError diagnostic; only
KeyboardInterrupt (the caller decides what an interrupt means), `exits.ExitRequest`
(`exit()`: the caller ends the program or the REPL with its status) and BrokenPipeError
(the reader of our output left) pass through. Resources are bounded: tensors by
`engine.limits` (the CLI also caps the process: `limits.limit_process_memory()`, which
a REPL should call too once it has imported what it needs), Python integers,
repetitions and format widths by the guards, recursion by Python's recursion limit,
the program's text and a call's keyword arguments by `evaluator.MAX_SOURCE_CHARACTERS`
and `validator.MAX_KEYWORD_ARGUMENTS`. A warning while the program runs (NumPy's RuntimeWarning,
say) goes to sys.stderr as one line, `RuntimeWarning: Mean of empty slice`.
`print(...)` inside a program writes through `write` (default: sys.stdout at call time).
"""

from __future__ import annotations

from typing import Any, Callable

from tensorsh.lang import namespace, scope
from tensorsh.lang.calls import signature_of
from tensorsh.lang.errors import TensorshError, internal_error
from tensorsh.lang.evaluator import Display, Evaluator


class Session:
    """A program's variables over the builtins, run one source text at a time."""

    def __init__(self, files_allowed: bool = True, write: Callable[[str], Any] | None = None,
                 builtins: dict[str, Any] | None = None, backend: str = "numpy"):
        self.builtins = builtins if builtins is not None else scope.builtins(files_allowed, write, backend)
        self.modules = scope.modules(self.builtins)
        self.variables: dict[str, Any] = {}
        self._evaluator = Evaluator(self.builtins, self.variables, self.modules)

    def run(self, source: str, filename: str = "<input>", display: Display | None = None, show: str = "all") -> None:
        """Parse, validate and compile all of `source`, then run it; raise TensorshError (located) on
        the first error. `show="last"` shows only the last statement's value, as Jupyter does."""
        try:
            self._evaluator.run(source, filename, display, show)
        except (TensorshError, BrokenPipeError):
            raise
        except Exception as exc:  # noqa: BLE001 - a failure of ours outside the program; never a traceback
            raise internal_error(exc, None).located(filename, source) from exc

    def prepare(self, source: str, filename: str = "<input>", instrument=None, show: str = "all"):
        """The compiled program, to run (perhaps many times) with `execute`; `instrument` rewrites
        the validated tree before it is compiled, `show` is as for `run` (see `Evaluator.prepare`)."""
        return self._evaluator.prepare(source, filename, instrument, show)

    def execute(self, code, display: Display | None = None) -> None:
        self._evaluator.execute(code, display)

    def error_of(self, exc: BaseException) -> TensorshError:
        """The diagnostic for an exception raised by the program's code called from outside a run
        (a REPL command calling the program's function): located in its source, classified as
        the program's mistake or ours, as a run would report it."""
        return self._evaluator.error(exc)

    def names(self) -> list[str]:
        """Every name a program can use right now, sorted."""
        return self._evaluator.names()

    def user_variables(self) -> dict[str, Any]:
        """The variables the program made (not the runtime's own entries)."""
        return {k: v for k, v in self.variables.items() if not k.startswith("_") or k == "_"}

    @staticmethod
    def attributes(value: Any) -> list[str]:
        """The attribute names a program may use on `value`, sorted."""
        return namespace.attribute_names(value)

    @staticmethod
    def signature(value: Any) -> str | None:
        """`name(params)` for a callable a program can call, or None when Python cannot tell."""
        signature = signature_of(value) if callable(value) else None
        if signature is None:
            return None
        return f"{getattr(value, '__name__', type(value).__name__)}{signature}"

    def reset(self) -> None:
        """Forget every variable; builtins stay."""
        self.variables.clear()
