"""The language as a library: what the CLI runs programs with, and the REPL builds on.

    from tensorsh.lang.session import Session

    session = Session(files_allowed=True)       # its own variables; builtins, torch, F, np, grad
    session.run("x = tensor([1, 2])\\nx * 2", "<stdin>", display=lambda v: print(repr(v)))
    session.variables["x"]                       # the program's variables, a plain dict
    session.names()                              # every name in scope (for completion)
    session.attributes(value)                    # the attribute names a program may use on value
    session.signature(value)                     # "softmax(input, dim=None, ...)" for a callable, or None
    session.reset()                              # forget the variables

`Session.run(source, filename, display)` parses the whole source first (a syntax error
runs nothing), then runs it statement by statement, calling `display(value)` for every
value a top-level expression statement shows (not None, no trailing `;`, not inside
an if/for/with block). Any failure
raises `TensorshError` with its file name and source attached, ready for
`errors.render(error, color)`; variables assigned before the failure are kept.
Nothing else leaves `run`: a bug of ours becomes an InternalError diagnostic; only
KeyboardInterrupt (the caller decides what an interrupt means) and BrokenPipeError
(the reader of our output left) pass through. Resources are bounded: tensors by
`engine.limits` (the CLI also caps the process: `limits.limit_process_memory()`, which
a REPL should call too once it has imported what it needs), Python integers and
repetitions and lambda recursion by the evaluator.
`print(...)` inside a program writes through `write` (default: sys.stdout at call time).
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from tensorsh.lang import namespace
from tensorsh.lang.errors import TensorshError, internal_error, user_error
from tensorsh.lang.evaluator import Display, Evaluator
from tensorsh.lang.parser import parse


def _stdout_write(text: str) -> None:
    sys.stdout.write(text)


class Session:
    """A program's variables over the builtins, run one source text at a time."""

    def __init__(self, files_allowed: bool = True, write: Callable[[str], Any] | None = None,
                 builtins: dict[str, Any] | None = None):
        self.builtins = builtins if builtins is not None else namespace.builtins(files_allowed, write or _stdout_write)
        self.modules = namespace.modules(self.builtins)
        self.variables: dict[str, Any] = {}
        self._evaluator = Evaluator(self.builtins, self.variables, self.modules)

    def run(self, source: str, filename: str = "<input>", display: Display | None = None) -> None:
        """Parse all of `source`, then run it; raise TensorshError (located) on the first error."""
        try:
            module = parse(source, filename)
        except TensorshError:
            raise
        except RecursionError as exc:
            raise TensorshError("SyntaxError", "the program is nested too deeply to parse",
                                filename=filename, source=source) from exc
        except Exception as exc:  # noqa: BLE001 - the parser failing is our bug; never a traceback
            raise internal_error(exc, None).located(filename, source) from exc
        evaluator = self._evaluator
        evaluator.call_depth = 0  # an interrupt may have left lambda calls unfinished
        try:
            evaluator.run(module, display)
        except TensorshError as error:
            raise error.located(filename, source) from error.__cause__
        except RecursionError as exc:  # escaped the evaluator's own handlers while unwinding
            raise user_error(exc, None).located(filename, source) from exc
        except BrokenPipeError:
            raise  # the reader of our output left; the CLI ends quietly
        except Exception as exc:  # noqa: BLE001
            raise internal_error(exc, None).located(filename, source) from exc

    def names(self) -> list[str]:
        """Every name a program can use right now, sorted."""
        return self._evaluator.names()

    @staticmethod
    def attributes(value: Any) -> list[str]:
        """The attribute names a program may use on `value`, sorted."""
        return namespace.attribute_names(value)

    @staticmethod
    def signature(value: Any) -> str | None:
        """`name(params)` for a callable a program can call, or None when Python cannot tell."""
        from tensorsh.lang.evaluator import Lambda, _signature_of

        if isinstance(value, Lambda):
            return f"<lambda>{value.__signature__}"
        signature = _signature_of(value) if callable(value) else None
        if signature is None:
            return None
        public = [p for p in signature.parameters.values() if not p.name.startswith("_")]
        return f"{getattr(value, '__name__', type(value).__name__)}{signature.replace(parameters=public)}"

    def reset(self) -> None:
        """Forget every variable; builtins stay."""
        self.variables.clear()
