"""Runs programs: source -> `ast.parse` -> `validator` -> `compiler` -> CPython, and errors back to spans.

A program runs as Python bytecode whose globals are the session's variables and whose
builtins are the session's names plus the guards (`guards.GUARDS`), so every name
resolves in our namespace and every reach past the sandbox goes through a guard. No
code runs before the whole source has parsed, validated and compiled.

Any exception that leaves a program becomes one `TensorshError`, located at the
innermost frame of the program's own code: CPython's positions for the instruction
that failed are the span of the user's expression (`t1.dot(t2)`), since every node
the compiler adds takes its place. It is the user's error if the program raised it
(or a guard, or an engine error of a user class: a bad shape, a bad index); any other
exception escaping the engine is our bug, reported as an InternalError.
"""

from __future__ import annotations

import ast
import builtins as _py
import contextlib
import gc
import sys
import warnings
from types import CodeType, FrameType
from typing import Any, Callable, Mapping

from tensorsh.lang import calls, shapes
from tensorsh.lang.compiler import callee_path, compile_program
from tensorsh.lang.errors import USER_EXCEPTIONS, Span, TensorshError, did_you_mean, internal_error, \
    source_lines, span_at, span_of_index, syntax_error, user_error
from tensorsh.lang.exits import PENDING_EXIT, ExitRequest, raise_pending_exit
from tensorsh.lang.files import FilesDisabled
from tensorsh.lang.guards import GUARDS, MAX_INT_DIGITS
from tensorsh.lang.namespace import Namespace, get_attribute, is_program_class
from tensorsh.lang.pybuiltins import Exit, make_dir
from tensorsh.lang.validator import validate

Display = Callable[[Any], None]
Instrument = Callable[[ast.Module], ast.Module]

# Python frames a program may stack (its calls, and the engine's beneath them). Each frame
# may also take C stack (a call through sorted(key=...) takes several kilobytes), so the
# deeper limit comes with a larger stack; where the system refuses one, Python's default.
RECURSION_LIMIT = 4000
STACK_BYTES = 64 << 20

# The longest program text (in characters) we parse; longer text is refused before parsing.
# Dense code costs CPython's parser about 3 s and 0.6 GB per megabyte (10 MB of `x=1` lines:
# 36 s, 6 GB), but data written into a program is cheap, and a 10 MB string literal is
# promised to work (tests/reliability/test_limits.py): hence 16 MiB, not a few.
MAX_SOURCE_CHARACTERS = 16 << 20


def _allow_deep_recursion() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if soft != resource.RLIM_INFINITY and soft < STACK_BYTES:
        try:  # the main thread's stack grows up to the soft limit in force when it grows
            resource.setrlimit(resource.RLIMIT_STACK, (STACK_BYTES if hard == resource.RLIM_INFINITY
                                                       else min(STACK_BYTES, hard), hard))
        except (ValueError, OSError):
            return
        soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    if (soft == resource.RLIM_INFINITY or soft >= STACK_BYTES) and sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def _libraries_import(name, globals=None, locals=None, fromlist=(), level=0):
    """`__import__` for the libraries' own code run under the program's builtins (NumPy imports
    lazily from C): modules this process has already loaded, and NumPy's. A program never
    names it (`_`), and its imports are rewritten to our namespaces."""
    top = name.partition(".")[0]
    if level or not (top == "numpy" or name in sys.modules):
        raise ImportError(f"No module named '{name}' in tensorsh")
    return _py.__import__(name, globals, locals, fromlist, level)


class ShowFailed(Exception):
    """Showing a value of ours failed (its __cause__ says how)."""


class Helper:
    """The program's `help`: shown alone, it says how to use it, as Python's does."""

    __slots__ = ("help",)
    __module__, __qualname__ = "_sitebuiltins", "_Helper"  # type(help) as Python shows it

    def __init__(self, help: Callable[..., None]):
        self.help = help

    def __call__(self, *what) -> None:
        self.help(*what)

    def __repr__(self) -> str:
        return "Type help() for help, help(obj) for a name, help('syntax') for the language."


class Evaluator:
    """Runs programs against one dict of variables, on top of fixed builtins and importable modules."""

    def __init__(self, builtins: dict[str, Any], variables: dict[str, Any] | None = None,
                 modules: Mapping[str, Namespace] | None = None):
        self.builtins = builtins
        self.variables = {} if variables is None else variables
        self.modules = modules or {}
        self.display: Display | None = None
        # Each run's code is compiled under its own file name, so that a function defined
        # by one input and failing in a later one is shown in its own source.
        self._programs: dict[str, tuple[str, str]] = {}
        # The program's builtins: the session's names and, under names no program can write, the guards.
        builtins.update(GUARDS, __build_class__=_py.__build_class__, __import__=_libraries_import,
                        __name__="__main__", _tsh_show=self.show,
                        _tsh_import=self.import_module, _tsh_import_from=self.import_from,
                        _tsh_import_star=self.import_star, dir=make_dir(self.names), help=Helper(self.help))
        _allow_deep_recursion()

    # ---------------------------------------------------------------- entry points

    def prepare(self, source: str, filename: str, instrument: Instrument | None = None,
                show: str = "all") -> CodeType:
        """Parse, validate and compile a whole program; a located TensorshError if any of it is refused.

        `instrument`, if given, rewrites the validated tree before it is compiled (and guarded):
        `lang.tracing` uses it to note each sub-expression's value. `show` is "all" (every
        top-level expression statement shows its value) or "last" (Jupyter's rule: only the
        last statement, if it is an expression)."""
        with _collector_paused():
            return self._prepare(source, filename, instrument, show)

    def _prepare(self, source: str, filename: str, instrument: Instrument | None, show: str) -> CodeType:
        # A byte order mark starts many files written on Windows; it is not code, whether the
        # program comes from a file, -c, standard input or the REPL.
        source = source.removeprefix("\ufeff")
        try:
            tree = parse(source, filename)
            validate(tree, source, self.modules)
            if instrument is not None:
                tree = instrument(tree)
            key = self._program_name(filename)
            try:
                code = compile_program(tree, source, key, show)
            except (RecursionError, MemoryError):
                raise _too_deep() from None
        except TensorshError as error:
            error.before_running = True
            raise error.located(filename, source) from None
        self._programs[key] = (filename, source)
        return code

    def execute(self, code: CodeType, display: Display | None = None) -> None:
        """Run prepared code; `display(value)` receives each value a top-level expression shows."""
        self.display = display
        # Never Python's own builtins: exec would put them in a globals dict that lacks this key.
        self.variables["__builtins__"] = self.builtins
        PENDING_EXIT.clear()
        try:
            with _one_line_warnings():
                exec(code, self.variables)
            raise_pending_exit()  # an exit() that C code swallowed ends the program here at the latest
        except BrokenPipeError:
            raise  # the reader of our output left: the caller ends quietly
        except Exception as exc:  # noqa: BLE001 - every failure becomes a located diagnostic
            raise self.error(exc) from exc
        except BaseException as exc:
            if type(exc) is BaseException:  # raised by the program itself
                raise self.error(exc) from exc
            raise  # KeyboardInterrupt and ExitRequest: the caller decides what they mean
        finally:
            self.display = None
            PENDING_EXIT.clear()

    def run(self, source: str, filename: str = "<input>", display: Display | None = None, show: str = "all") -> None:
        self.execute(self.prepare(source, filename, show=show), display)

    def names(self) -> list[str]:
        """Every name a program can use right now, sorted."""
        return sorted({n for n in (*self.variables, *self.builtins) if not n.startswith("_") or n == "_"})

    def _likely_names(self) -> list[str]:
        """The names in scope, those a misspelling most likely meant first: the program's
        variables, then Python's builtins, then torch's."""
        return sorted(self.names(), key=lambda n: 0 if n in self.variables else 1 if hasattr(_py, n) else 2)

    def _program_name(self, filename: str) -> str:
        if filename not in self._programs:
            return filename
        count = 2
        while f"{filename}#{count}" in self._programs:
            count += 1
        return f"{filename}#{count}"

    # ---------------------------------------------------------------- what compiled code calls

    def show(self, value: Any) -> None:
        """A top-level expression statement's value."""
        if value is None:
            return
        if isinstance(value, Exit):  # a bare `exit`, as Python's REPL takes it
            raise ExitRequest(0)
        if self.display is None:
            return
        try:
            self.display(value)
        except (BrokenPipeError, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001
            if isinstance(exc, ValueError) and str(exc).startswith("Exceeds the limit"):  # Python's int cap
                raise OverflowError(f"this integer cannot be shown: more than tensorsh's limit of "
                                    f"{MAX_INT_DIGITS} digits") from None
            if any(frame.f_globals is self.variables for frame, _ in _frames(exc)) or _about_program_object(exc) \
                    or isinstance(exc, RecursionError) or "returned non-string" in str(exc):
                raise  # the program's own: its __repr__ failed, or returned no string, or nests without end
            raise ShowFailed() from exc  # a value of ours that cannot print itself: our bug

    def help(self, *what) -> None:
        """help(obj): what obj is and what it takes, as `:help` says it; help('syntax'): the language."""
        from tensorsh.lang import helptext

        if len(what) > 1:
            raise TypeError(f"help() takes at most 1 argument ({len(what)} given)")
        if not what:
            text = "Type :help for the overview, :help NAME or help(obj) for a name, :help syntax for the language."
        elif isinstance(what[0], str):
            text = helptext.help_text(what[0], self) or helptext.no_help(what[0], self)
        else:
            obj = what[0]
            text = helptext.value_help(getattr(obj, "__name__", None) or type(obj).__name__, obj)
        self.builtins["print"](text)

    def import_module(self, dotted: str) -> Namespace:
        return self.modules[dotted]  # the validator admitted only known modules

    def import_from(self, dotted: str, name: str) -> Any:
        module = self.modules[dotted]
        if name not in module.members:
            raise ImportError(did_you_mean(f"cannot import name '{name}' from '{dotted}'", name, module.members))
        return module.members[name]

    def import_star(self, dotted: str) -> None:
        self.variables.update(self.modules[dotted].members)

    # ---------------------------------------------------------------- errors

    def error(self, exc: BaseException) -> TensorshError:
        """The diagnostic for an exception that left a program: located at the program's own frame."""
        frames = _frames(exc)
        mine = [(frame, lasti) for frame, lasti in frames if frame.f_globals is self.variables]
        raised_by = frames[-1][0] if frames else None
        error = self._classify(exc, raised_by)
        if not mine:
            return error
        frame, lasti = mine[-1]
        filename, source = self._programs.get(frame.f_code.co_filename, ("<input>", ""))
        lines = source_lines(source)
        position = _position(frame.f_code, lasti)
        if position is not None:
            error.span = span_at(lines, *position)
        # The source is parsed again only for the errors explained from the expression as written.
        if isinstance(exc, TypeError) and position is not None:
            self._explain_call(error, frame, _node_at(source, position, (ast.Call,)), lines)
        elif position is not None and shapes.about_shapes(exc):
            below = [f for f, _ in frames[frames.index((frame, lasti)) + 1:]]
            shapes.explain(error, exc, frame, below, _node_at(source, position, _OPERATIONS), lines)
        if error.note is None:
            error.note = self._call_chain(mine)
        return error.located(filename, source)

    def _classify(self, exc: BaseException, raised_by: FrameType | None) -> TensorshError:
        if isinstance(exc, ShowFailed):
            return internal_error(exc.__cause__, None)
        if isinstance(exc, FilesDisabled):
            return TensorshError("PermissionError", str(exc))
        module = raised_by.f_globals.get("__name__", "") if raised_by is not None else ""
        raised_by_program = raised_by is not None and (raised_by.f_globals is self.variables
                                                        or module.startswith("tensorsh.lang"))
        if is_program_class(type(exc)) or type(exc) is BaseException:
            return TensorshError(type(exc).__name__, _message(exc))
        if isinstance(exc, NameError) and getattr(exc, "name", None):
            return TensorshError(type(exc).__name__, did_you_mean(str(exc), exc.name, self._likely_names()))
        if raised_by_program or isinstance(exc, (*USER_EXCEPTIONS, OSError)) or _about_program_object(exc) \
                or (isinstance(exc, (KeyError, AttributeError)) and module.startswith(_NAMING_LAYERS)):
            return user_error(exc, None)
        if isinstance(exc, AssertionError) and str(exc):
            # PyTorch itself raises AssertionError for a user's mistake: "Torch not compiled with CUDA enabled".
            return user_error(exc, None)
        return internal_error(exc, None)

    def _explain_call(self, error: TensorshError, frame: FrameType, call: ast.Call | None,
                      lines: list[str]) -> None:
        """A TypeError raised by a call itself: say which argument does not fit the callee."""
        if call is None:
            return
        path = callee_path(call.func)
        callee = self._resolve(path, frame) if path else None
        found = calls.explain(callee, call, lines) if callee is not None else None
        if found is not None:
            error.message, error.span, error.note = found

    def _resolve(self, path: tuple[str, ...], frame: FrameType) -> Any:
        """A call's callee again, from a path of names (`torch.softmax`): no code of the program runs."""
        first, *rest = path
        for scope in (frame.f_locals, frame.f_globals, self.builtins):
            if first in scope:
                value = scope[first]
                break
        else:
            return None
        try:
            for name in rest:
                if is_program_class(value) or is_program_class(type(value)):
                    return None  # its attributes may be properties: program code, which must not run here
                value = get_attribute(value, name)
        except Exception:  # noqa: BLE001 - only an explanation is at stake
            return None
        return value

    def _call_chain(self, mine: list[tuple[FrameType, int]]) -> str | None:
        """'in f(), called from line 7' for an error inside the program's functions; a recursion's
        repeated calls are counted, not listed."""
        if mine[-1][0].f_code.co_name == "<module>":
            return None
        callers: list[str] = []
        here = mine[-1][0].f_code.co_filename
        for frame, lasti in reversed(mine[:-1]):
            position = _position(frame.f_code, lasti)
            line = f"line {position[0] if position else '?'}"
            if frame.f_code.co_filename != here:  # a function defined by another input or file
                shown = self._programs.get(frame.f_code.co_filename, (frame.f_code.co_filename,))[0]
                line = f"{line} of another input" if shown == self._programs.get(here, (here,))[0] \
                    else f"{shown}:{line[5:]}"
            inside = "" if frame.f_code.co_name == "<module>" else f" (in {frame.f_code.co_name})"
            callers.append(f"{line}{inside}")
        parts, count = [], 0
        for i, caller in enumerate(callers):
            count += 1
            if i + 1 == len(callers) or callers[i + 1] != caller:
                parts.append(f"called from {caller}" + (f" ({count} times)" if count > 1 else ""))
                count = 0
        return ", ".join([f"in {mine[-1][0].f_code.co_name}()", *parts])


@contextlib.contextmanager
def _collector_paused():
    """No cyclic garbage collection while a program's tree is built: the tree holds no cycles,
    and each collection would walk every object of the engine and the session for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(source: str, filename: str) -> ast.Module:
    """CPython's parse of a whole program; its syntax errors, located."""
    if len(source) > MAX_SOURCE_CHARACTERS:
        raise TensorshError("SyntaxError", f"the program is longer than tensorsh's limit of "
                            f"{MAX_SOURCE_CHARACTERS:,} characters", span_of_index(source, MAX_SOURCE_CHARACTERS),
                            "load large data from a file with load() rather than writing it into the program")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # "invalid decimal literal": unlocated noise
            return ast.parse(source, filename)
    except SyntaxError as exc:
        error = syntax_error(exc)
        if exc.lineno is None and "\0" in source:  # "source code string cannot contain null bytes", unlocated
            error.span = span_of_index(source, source.index("\0"))
        raise error from None
    except (RecursionError, MemoryError):
        raise _too_deep() from None
    except UnicodeEncodeError as exc:  # a byte that was not UTF-8, kept as a lone surrogate (-c, stdin)
        bad = source[exc.start]
        what = f"byte 0x{ord(bad) - 0xdc00:02x}" if "\udc80" <= bad <= "\udcff" else f"U+{ord(bad):04X}"
        raise TensorshError("SyntaxError", f"the program is not valid UTF-8 text: {what}",
                            span_of_index(source, exc.start)) from None
    except ValueError as exc:  # "source code string cannot contain null bytes"
        null = source.find("\0")
        raise TensorshError("SyntaxError", str(exc),
                            span_of_index(source, null) if null >= 0 else Span(1, 1, 1, 2)) from None


@contextlib.contextmanager
def _one_line_warnings():
    """While a program runs, a warning (NumPy's 'Mean of empty slice', say) is shown as one line,
    `RuntimeWarning: Mean of empty slice`, without Python's default file name, line number and
    line of the library's source, which say nothing about the program."""
    previous_format = warnings.formatwarning
    with warnings.catch_warnings():  # puts showwarning (and the filters) back afterwards
        warnings.showwarning = _show_warning
        warnings.formatwarning = _format_warning
        try:
            yield
        finally:
            warnings.formatwarning = previous_format


def _format_warning(message, category, filename, lineno, line=None) -> str:
    return f"{category.__name__}: {message}\n"


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stdout.flush()  # after what the program printed before it, as an error is
    try:
        (file or sys.stderr).write(_format_warning(message, category, filename, lineno))
    except OSError:  # as Python's own: no place to show it is no reason to stop the program
        pass


def _too_deep() -> TensorshError:
    return TensorshError("SyntaxError", "the program is nested too deeply to parse", Span(1, 1, 1, 2),
                         "split long expressions into several statements")


# What an error raised by the program's code is located at: an operation.
_OPERATIONS = (ast.Call, ast.BinOp, ast.AugAssign, ast.Subscript)


def _node_at(source: str, position: tuple[int, int, int, int], kinds: tuple[type, ...]) -> ast.AST | None:
    """The innermost node of one of `kinds` written at `position`, as the program wrote it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    line, end_line, column, end_column = position
    found = None
    for node in ast.walk(tree):  # outer nodes first: the last match is the innermost
        if isinstance(node, kinds) and (node.lineno, node.end_lineno, node.col_offset, node.end_col_offset) \
                == (line, end_line, column, end_column):
            found = node
    return found


def _frames(exc: BaseException) -> list[tuple[FrameType, int]]:
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lasti))
        tb = tb.tb_next
    return frames


def _position(code: CodeType, lasti: int) -> tuple[int, int, int, int] | None:
    """(line, end line, column, end column) of the instruction at lasti, as CPython records it."""
    for index, position in enumerate(code.co_positions()):
        if index == lasti // 2:
            return position if position[0] is not None else None
    return None


# The engine's Python layers, which raise KeyError and AttributeError for a program's mistakes
# as PyTorch's own Python code does: a name already taken (register_buffer), a key or submodule
# not there, a scheduler resumed without its initial_lr. And PyTorch's own, under --backend torch.
_NAMING_LAYERS = ("tensorsh.engine.nn.", "tensorsh.engine.optim.", "tensorsh.engine.utils.",
                  "torch.nn.", "torch.optim.", "torch.utils.")


def _about_program_object(exc: BaseException) -> bool:
    """An AttributeError about an object of the program's classes: a subclass of an engine class
    whose __init__ skipped super().__init__(), say. The engine assumed its own attribute."""
    return isinstance(exc, AttributeError) and is_program_class(_py.type(getattr(exc, "obj", None)))


def _message(exc: BaseException) -> str:
    try:
        return repr(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    except Exception:  # noqa: BLE001 - the program's __str__ failed, as Python would show it
        return "<exception str() failed>"
