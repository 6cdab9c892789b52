"""Run one untrusted program the way the fuzzers do, and classify what happened.

Outcomes: "ok" (ran), "error" (a TensorshError with a span, rendered fine), "timeout"
(still running after the time budget: a loop the program asked for, not a crash), or a
`Finding`: an exception that is not ours, an internal error (our bug, reported as such),
or a diagnostic without a span or that fails to render.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass

from tensorsh.engine import limits
from tensorsh.lang.describe import to_json
from tensorsh.lang.errors import TensorshError, render
from tensorsh.lang.session import Session

# Small enough that no fuzzed program can take the machine's memory or minutes of CPU.
FUZZ_MAX_MEMORY = 64 * 2 ** 20


class Timeout(BaseException):
    """The program ran past its time budget (a BaseException, so the evaluator lets it through)."""


@dataclass(frozen=True)
class Finding:
    kind: str  # "crash", "internal", "no-span", "render"
    signature: str  # what makes two findings the same bug
    detail: str


def _on_alarm(signum, frame):
    raise Timeout()


@contextmanager
def time_budget(seconds: float):
    """Raise Timeout in the main thread after `seconds`; no limit off the main thread."""
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
    except ValueError:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def fuzz_limits(max_memory: int = FUZZ_MAX_MEMORY):
    """A small tensor limit and an address-space cap for this process, undone afterwards."""
    import resource

    old_max = limits.max_memory()
    old_rlimit = resource.getrlimit(resource.RLIMIT_AS)
    limits.set_max_memory(max_memory)
    limits.limit_process_memory(4 * max_memory)
    try:
        yield
    finally:
        limits.set_max_memory(old_max)
        resource.setrlimit(resource.RLIMIT_AS, old_rlimit)


def memory_limit_of(nbytes: int):
    """A fixture function: the engine's memory limit set to nbytes for a test, then restored."""
    def limit():
        previous = limits.max_memory()
        limits.set_max_memory(nbytes)
        yield
        limits.set_max_memory(previous)

    return limit


def _where(exc: BaseException) -> str:
    """The innermost frame inside tensorsh, as path:line, for grouping crashes."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}tensorsh{os.sep}" in f.filename] or frames
    if not ours:
        return "?"
    f = ours[-1]
    return f"{f.filename.rsplit(os.sep + 'tensorsh' + os.sep, 1)[-1]}:{f.lineno}"


@contextmanager
def engine_state_restored():
    """Put back the engine's process-wide settings a program may change (print options, default
    dtype, grad mode, NumPy's error handling), so that every finding reproduces on its own."""
    import numpy

    from tensorsh.engine import autograd, dtypes, printing

    options, default = printing.get_printoptions(), dtypes.get_default_dtype()
    grad_mode, errors = autograd._grad_enabled, numpy.geterr()
    try:
        yield
    finally:
        printing.set_printoptions(**options)
        dtypes._default_float = default
        autograd._grad_enabled = grad_mode
        numpy.seterr(**errors)


def run_program(source: str, seconds: float = 2.0):
    """Run `source` in a fresh session (output discarded); "ok", "error", "timeout" or a Finding."""
    with engine_state_restored():
        return _run_program(source, seconds)


def _run_program(source: str, seconds: float):
    session = Session(files_allowed=True, write=lambda text: None)

    def display(value):
        repr(value)
        to_json(value)

    try:
        with time_budget(seconds):
            session.run(source, "fuzz.tsh", display)
    except Timeout:
        return "timeout"
    except TensorshError as error:
        try:
            render(error, color=True)
            text = render(error)
        except Exception as exc:  # noqa: BLE001
            return Finding("render", f"render {type(exc).__name__} at {_where(exc)}", repr(exc))
        if error.internal:
            cause = error.__cause__ or error
            return Finding("internal", f"{error.message.split(':')[0]} at {_where(cause)}", text)
        if error.span is None:
            return Finding("no-span", f"{error.kind}: {error.message[:60]}", text)
        return "error"
    except Timeout:
        return "timeout"
    except BaseException as exc:  # noqa: BLE001 - anything else escaping Session.run is a crash
        if isinstance(exc, (KeyboardInterrupt, SystemExit)) and not isinstance(exc, Timeout):
            raise
        return Finding("crash", f"{type(exc).__name__} at {_where(exc)}",
                       "".join(traceback.format_exception(exc))[-3000:])
    return "ok"


def describe(finding: Finding, source: str) -> str:
    return f"[{finding.kind}] {finding.signature}\n--- program ---\n{source}\n--- detail ---\n{finding.detail}\n"


def main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread() and sys.platform != "win32"


def located_error(source: str, seconds: float = 10.0) -> TensorshError:
    """Run `source`: it must fail within `seconds` with a located error of the program's own
    (not an internal one); that error."""
    start = time.monotonic()
    try:
        Session().run(source, "<t>", lambda value: None)
    except TensorshError as error:
        took = time.monotonic() - start
        assert took < seconds, f"{source[:80]!r} took {took:.1f}s to fail"
        assert error.span is not None and not error.internal, (error.kind, error.message)
        return error
    raise AssertionError(f"{source[:80]!r} ran without an error")
