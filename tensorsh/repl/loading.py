"""The engine, imported behind the prompt.

NumPy, the engine and the language take longer to import than prompt_toolkit takes to
draw a prompt, and a person takes longer still to type a first statement. So the REPL
draws its prompt first and builds the session on a thread; what needs the session (a
statement, Tab, the signature toolbar) asks `Loader.result()`, which waits for it, or
`Loader.ready` first when it would rather not wait (completion while typing).

The thread starts once the prompt is on the screen: until then it would only share the
interpreter's lock with the drawing and delay the prompt by as much as it gained.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

# The REPL's own modules that the prompt can do without at first: the engine's users, and the
# lexer (Pygments), imported on the thread too, so that the first statement finds them loaded.
MODULES = ("tensorsh.repl.lexer", "tensorsh.repl.runner", "tensorsh.repl.display", "tensorsh.repl.commands",
           "tensorsh.repl.completer")


class Loader:
    """`load()` run once on a thread of its own; its value (or its exception) for whoever asks."""

    def __init__(self, load: Callable[[], Any]):
        self._load = load
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._value: Any = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[], None]] = []

    @classmethod
    def of(cls, value: Any) -> Loader:
        """A loader whose value is already there."""
        loader = cls(lambda: value)
        loader._value = value
        loader._done.set()
        return loader

    def start(self) -> None:
        """Start loading, if it has not started yet."""
        with self._lock:
            if self._thread is None and not self._done.is_set():
                # A daemon: Ctrl-D while the import still runs must not wait for it.
                self._thread = threading.Thread(target=self._run, name="tensorsh-engine-import", daemon=True)
                self._thread.start()

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call `callback` once loaded: now if it is, else on the loading thread when it is."""
        with self._lock:
            if not self._done.is_set():
                self._callbacks.append(callback)
                return
        callback()

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    def result(self) -> Any:
        """The value, once loaded (Ctrl-C interrupts the wait, not the loading)."""
        self.start()
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value

    def _run(self) -> None:
        import importlib

        try:
            for name in MODULES:
                importlib.import_module(name)
            importlib.import_module("tensorsh.repl.lexer").TensorshLexer()  # compiles its expressions, once
            self._value = self._load()
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that asks for the value
            self._error = exc
        finally:
            with self._lock:
                self._done.set()
        for callback in self._callbacks:
            try:
                callback()
            except Exception:  # noqa: BLE001 - a redraw that fails must not print a traceback over the prompt
                pass
