"""The Jupyter kernel: ipykernel's protocol machinery around one tensorsh Session (a wrapper kernel).

Cells run through the session only (validator, guards), each in its turn, sharing its
variables; a cell shows its last value (Jupyter's rule), as `display.bundle` shows it, and `_`
is that value, as in the REPL. What a cell prints goes to sys.stdout, which ipykernel
publishes as a stream. An error is the language's diagnostic (ename its kind, evalue its
message, the traceback its rendering with its span): variables assigned before it stay.

An interrupt: Jupyter sends SIGINT, which ipykernel turns into KeyboardInterrupt while a
request is being handled; the engine lets it land inside long work (`engine.work`), the
cell ends with a KeyboardInterrupt error, and the kernel waits for the next cell. `exit()`
asks the frontend to close (the "ask_exit" payload), as IPython's does.
"""

from __future__ import annotations

import sys
from typing import Any

from ipykernel.kernelbase import Kernel

from tensorsh import __version__
from tensorsh.kernel import replies
from tensorsh.kernel.display import bundle
from tensorsh.lang.errors import TensorshError, internal_error, render
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.session import Session

INTERRUPTED = "the cell stopped; variables it assigned before the interrupt keep their values"


class TensorshKernel(Kernel):
    implementation = "tensorsh"
    implementation_version = __version__
    banner = f"tensorsh {__version__}: PyTorch-style tensors on NumPy. help() for help."
    language_info = {
        "name": "python",  # Python's syntax: notebooks highlight and indent cells as Python
        "version": ".".join(map(str, sys.version_info[:3])),
        "mimetype": "text/x-python",
        "codemirror_mode": {"name": "python", "version": 3},
        "pygments_lexer": "python3",
        # A notebook exported as a script (nbconvert --to script) is a program `tensorsh FILE` runs.
        "file_extension": ".tsh",
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.program = Session()  # `self.session` is ipykernel's: the protocol's messages

    def set_parent(self, ident, parent, channel="shell"):
        super().set_parent(ident, parent, channel)
        if channel == "shell":
            # What a cell prints is published under its request, as IPython's shell does it: a
            # frontend shows only the output whose parent is a request of its own.
            for stream in (sys.stdout, sys.stderr):
                if hasattr(stream, "set_parent"):  # ipykernel's OutStream, once the app runs
                    stream.set_parent(parent)

    async def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False,
                         **_) -> dict:
        filename = f"In[{self.execution_count}]"
        shown: list[dict[str, str]] = []

        def display(value: Any) -> None:
            shown.append(bundle(value))
            self.program.variables["_"] = value

        try:
            self.program.run(code, filename, display, show="last")  # Jupyter's rule: the last value only
            if shown and not silent:
                self._flush()
                self.send_response(self.iopub_socket, "execute_result",
                                   {"execution_count": self.execution_count, "data": shown[-1], "metadata": {}})
        except TensorshError as error:
            return self._error(error.kind, error.message, render(error, color=True), silent)
        except KeyboardInterrupt:
            return self._error("KeyboardInterrupt", INTERRUPTED, f"KeyboardInterrupt: {INTERRUPTED}", silent)
        except ExitRequest:
            return self._ok(payload=[{"source": "ask_exit", "keepkernel": False}])
        except Exception as exc:  # noqa: BLE001 - a bug of ours reported as the CLI does, and the kernel goes on
            error = internal_error(exc, None).located(filename, code)
            return self._error(error.kind, error.message, render(error, color=True), silent)
        return self._ok()

    def _ok(self, payload: list | None = None) -> dict:
        return {"status": "ok", "execution_count": self.execution_count, "payload": payload or [],
                "user_expressions": {}}

    def _error(self, ename: str, evalue: str, text: str, silent: bool) -> dict:
        content = {"ename": ename, "evalue": evalue, "traceback": text.rstrip("\n").split("\n")}
        if not silent:
            self._flush()  # what the cell printed before the error comes before it
            self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": self.execution_count, **content}

    @staticmethod
    def _flush() -> None:
        sys.stdout.flush()
        sys.stderr.flush()

    async def do_complete(self, code, cursor_pos) -> dict:
        return replies.complete(code, len(code) if cursor_pos is None else cursor_pos, self.program)

    async def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()) -> dict:
        return replies.inspect(code, len(code) if cursor_pos is None else cursor_pos, self.program)

    async def do_is_complete(self, code) -> dict:
        return replies.is_complete(code)
