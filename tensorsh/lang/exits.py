"""exit() and quit(): how a program ends itself, which is not an error."""

from __future__ import annotations


class ExitRequest(BaseException):
    """`exit()` or `quit()`: the program asks to end (with a status), not an error.

    C code may drop an exception raised in a program's callback (NumPy does, converting
    an object whose __len__ raises), so a request is also kept in PENDING_EXIT until the
    program ends: `raise_pending_exit` raises it again after such code returns."""

    def __init__(self, status: int = 0):
        super().__init__(status)
        self.status = status
        PENDING_EXIT[:] = [status]


PENDING_EXIT: list[int] = []


def raise_pending_exit() -> None:
    """Raise an exit() that C code swallowed; nothing if there was none."""
    if PENDING_EXIT:
        raise ExitRequest(PENDING_EXIT[0])
