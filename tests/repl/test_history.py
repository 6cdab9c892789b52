"""The history file: round trips, torn writes, concurrent writers, a writer killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tensorsh.repl import history


def test_entries_round_trip_oldest_first_multi_line_whole(tmp_path):
    path = tmp_path / "state" / "tensorsh" / "history"
    entries = ["x = 1", "a = torch.tensor([[1, 2],\n                  [3, 4]])", "s = 'ünïcode'", ""]
    for entry in entries:
        history.append(path, entry)
    assert history.read(path) == entries
    assert len(path.read_bytes().splitlines()) == len(entries)  # one line per entry, even multi-line ones
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_missing_file_is_an_empty_history(tmp_path):
    assert history.read(tmp_path / "none") == []


def test_read_keeps_the_newest_entries(tmp_path):
    path = tmp_path / "h"
    for i in range(10):
        history.append(path, f"x = {i}")
    assert history.read(path, limit=3) == ["x = 7", "x = 8", "x = 9"]


def test_a_torn_last_line_is_skipped_and_the_next_entry_starts_fresh(tmp_path):
    path = tmp_path / "h"
    history.append(path, "first")
    whole = history.encode("second")
    with open(path, "ab") as f:
        f.write(whole[: len(whole) // 2])  # what a writer killed mid-write leaves
    assert history.read(path) == ["first"]
    history.append(path, "third")
    assert history.read(path) == ["first", "third"]


def test_foreign_lines_are_ignored(tmp_path):
    path = tmp_path / "h"
    path.write_bytes(b"# 2024-01-01 a prompt_toolkit FileHistory line\n+x = 1\n\xff\xfe\n[1, 2]\n")
    history.append(path, "y = 2")
    assert history.read(path) == ["y = 2"]


def test_default_path_follows_xdg_state_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert history.default_path() == tmp_path / "tensorsh" / "history"
    monkeypatch.setenv("XDG_STATE_HOME", "relative/dir")  # the spec says to ignore relative paths
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history.default_path() == tmp_path / "home" / ".local" / "state" / "tensorsh" / "history"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert history.default_path() == tmp_path / "home" / ".local" / "state" / "tensorsh" / "history"


WRITER = textwrap.dedent("""
    import sys
    from tensorsh.repl import history
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    for i in range(count):
        # long multi-line entries make a torn or interleaved write visible
        history.append(path, f"{name} {i}\\n" + "x" * 3000)
""")


def _writer(path, name, count):
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(count)],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])


def test_two_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "h"
    writers = [_writer(path, name, 300) for name in ("A", "B")]
    for writer in writers:
        assert writer.wait(timeout=60) == 0
    entries = history.read(path)
    assert len(entries) == 600
    for name in ("A", "B"):
        mine = [e for e in entries if e.startswith(name + " ")]
        assert mine == [f"{name} {i}\n" + "x" * 3000 for i in range(300)]  # intact and in order


def test_a_writer_killed_mid_stream_loses_nothing_before_it(tmp_path):
    path = tmp_path / "h"
    history.append(path, "before")
    writer = _writer(path, "K", 1_000_000)
    assert writer.stdout.readline() == "ready\n"
    deadline = time.monotonic() + 20
    while (not path.exists() or path.stat().st_size < 200_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)
    entries = history.read(path)
    assert entries[0] == "before"
    written = entries[1:]
    assert len(written) > 10
    assert written == [f"K {i}\n" + "x" * 3000 for i in range(len(written))]  # every one whole, none missing
    lines = path.read_bytes().split(b"\n")
    assert all(history.decode(line) is not None for line in lines[:-1] if line)  # at most the tail is torn
    history.append(path, "after")
    assert history.read(path)[-1] == "after"
    assert history.read(path)[:-1] == entries


def test_prompt_toolkit_history_loads_newest_first_and_stores(tmp_path):
    path = tmp_path / "h"
    history.append(path, "old")
    history.append(path, "new")
    store = history.make_history(path)
    assert list(store.load_history_strings()) == ["new", "old"]
    store.store_string("newest\nline two")
    assert history.read(path) == ["old", "new", "newest\nline two"]
