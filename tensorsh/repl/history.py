"""Input history in `$XDG_STATE_HOME/tensorsh/history`, safe for crashes and concurrent REPLs.

One entry per line, as a JSON object `{"t": unix time, "text": "..."}` — JSON so that a
multi-line statement stays one line and comes back whole on up-arrow. Each entry is
appended with a single `write` on a descriptor opened with O_APPEND, under an
exclusive `flock`, so two REPLs never interleave their bytes. A writer killed
mid-write (kill -9, a power cut) can leave at most a torn last line: readers skip any
line that is not a complete entry, and the next writer starts on a fresh line, so
earlier entries are never lost.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: O_APPEND alone, without the lock
    fcntl = None

MAX_ENTRIES = 10_000  # read back at most this many, newest kept


def default_path() -> Path:
    """`$XDG_STATE_HOME/tensorsh/history`, or `~/.local/state/tensorsh/history`."""
    base = os.environ.get("XDG_STATE_HOME", "")
    if not base or not os.path.isabs(base):  # the XDG spec says relative paths are to be ignored
        base = os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "tensorsh" / "history"


def encode(text: str, when: float | None = None) -> bytes:
    """One entry as one line of bytes, newline included."""
    record = {"t": round(time.time() if when is None else when, 3), "text": text}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def decode(line: bytes) -> str | None:
    """The text of one stored line, or None if the line is torn or foreign."""
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    text = record.get("text") if isinstance(record, dict) else None
    return text if isinstance(text, str) else None


def append(path: Path | str, text: str) -> None:
    """Add one entry at the end of the file, atomically with respect to other writers."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        data = encode(text)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # a previous writer died mid-line: do not glue our entry to its debris
        _write_all(fd, data)
    finally:
        os.close(fd)  # closing releases the lock


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read(path: Path | str, limit: int = MAX_ENTRIES) -> list[str]:
    """Every intact entry, oldest first (at most `limit`, the newest ones)."""
    try:
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
    except FileNotFoundError:
        return []
    except OSError:
        return []
    entries = [text for text in map(decode, lines) if text is not None]
    return entries[-limit:]


def make_history(path: Path | str | None = None):
    """A prompt_toolkit History backed by this file (prompt_toolkit is imported only here)."""
    from prompt_toolkit.history import History

    class SafeFileHistory(History):
        """prompt_toolkit history over `history.append` and `history.read`."""

        def __init__(self, file: Path):
            self.file = file
            super().__init__()

        def load_history_strings(self):
            return reversed(read(self.file))  # prompt_toolkit wants newest first

        def store_string(self, string: str) -> None:
            try:
                append(self.file, string)
            except OSError:
                pass  # a read-only home must not stop the REPL; the entry stays in memory

    return SafeFileHistory(Path(path) if path is not None else default_path())
