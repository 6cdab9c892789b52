"""Files (tensorsh/lang/files.py): save() is atomic (a temporary file in the same directory, then
a rename); load() refuses corrupt, truncated, pickled, oversized and hostile files with a clear error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy
import pytest

from tensorsh.engine import limits
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(source):
    shown = []
    Session().run(source, "<t>", shown.append)
    return shown


def error_of(source):
    with pytest.raises(TensorshError) as info:
        Session().run(source, "<t>")
    assert info.value.span is not None and not info.value.internal, info.value.message
    return info.value


# ---------------------------------------------------------------- save


def test_save_replaces_the_file_whole_and_leaves_no_temporary(in_tmp):
    run("save(arange(5), 'x.npy')")
    run("save(ones(2, 3), 'x.npy')")
    assert numpy.load("x.npy").tolist() == [[1.0] * 3] * 2
    assert sorted(os.listdir(in_tmp)) == ["x.npy"]


def test_save_keeps_the_usual_file_mode(in_tmp):
    umask = os.umask(0o022)
    try:
        run("save(ones(2), 'x.npy')")
    finally:
        os.umask(umask)
    assert (in_tmp / "x.npy").stat().st_mode & 0o777 == 0o644


def test_a_failing_save_leaves_the_old_file_and_no_temporary(in_tmp, monkeypatch):
    run("save(arange(3), 'x.npy')")
    original = (in_tmp / "x.npy").read_bytes()

    def half_then_fail(f, array, allow_pickle=False):
        f.write(b"\x93NUMPY half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(numpy, "save", half_then_fail)
    error = error_of("save(ones(1000), 'x.npy')")
    assert (error.kind, error.message) == ("OSError", "[Errno 28] No space left on device")
    assert (in_tmp / "x.npy").read_bytes() == original
    assert sorted(os.listdir(in_tmp)) == ["x.npy"]


def test_kill_9_during_save_never_leaves_half_a_file(in_tmp):
    numpy.save("x.npy", numpy.arange(4))
    program = "for i in range(100000):\n    save(ones(2**22), 'x.npy')\n"  # 16 MiB per save
    for delay in (0.8, 1.3, 1.9):
        process = subprocess.Popen([sys.executable, "-m", "tensorsh", "-c", program], cwd=in_tmp)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        array = numpy.load("x.npy")  # a whole file: the old one or a new one
        assert array.tolist() == [0, 1, 2, 3] or (array.shape == (2 ** 22,) and float(array.min()) == 1.0)


def test_save_into_a_missing_directory_says_so():
    error = error_of("save(ones(2), 'nowhere/x.npy')")
    assert (error.kind, error.message) == ("FileNotFoundError", "No such directory for 'nowhere/x.npy'")


def test_save_refuses_python_objects(in_tmp):
    assert error_of("save([print], 'x.npz')").message == \
        "save only writes numbers: this value holds Python objects"
    assert os.listdir(in_tmp) == []


# ---------------------------------------------------------------- load


def _header(text: bytes, version=(1, 0)) -> bytes:
    size = len(text) + 1
    length = size.to_bytes(2 if version == (1, 0) else 4, "little")
    return b"\x93NUMPY" + bytes(version) + length + text + b"\n"


def test_load_refuses_pickled_object_arrays():
    numpy.save("obj.npy", numpy.array([{"a": 1}], dtype=object), allow_pickle=True)
    error = error_of("load('obj.npy')")
    assert (error.kind, error.message) == (
        "ValueError", "'obj.npy' holds Python objects (pickled data), which tensorsh never loads")


def test_load_refuses_a_truncated_file():
    numpy.save("good.npy", numpy.arange(1000.0))
    with open("good.npy", "rb") as f:
        data = f.read()
    with open("cut.npy", "wb") as f:
        f.write(data[:500])
    assert error_of("load('cut.npy')").message == \
        "'cut.npy' is truncated: its header announces 8000 bytes of data, but only 372 follow"


def test_load_refuses_a_huge_shape_before_allocating():
    with open("huge.npy", "wb") as f:
        f.write(_header(b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }") + b"\0" * 64)
    error = error_of("load('huge.npy')")
    assert (error.kind, error.message) == ("RuntimeError", (
        "an array of shape (1000000000000,) and dtype float64 would need 7.3 TiB, more than the memory limit of "
        f"{limits.human(limits.max_memory())} (tensorsh --max-memory sets the limit)"))


def test_load_refuses_a_huge_header():
    with open("header.npy", "wb") as f:
        f.write(_header(b"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), " + b" " * 100_000 + b"}",
                        version=(2, 0)) + b"\0" * 8)
    error = error_of("load('header.npy')")
    assert (error.kind, error.message) == (
        "ValueError", "'header.npy' has a header longer than the 10000 bytes tensorsh reads")


NOT_NPY = "'bad.npy' is not a .npy file: it does not start with NumPy's magic string"
DAMAGED = "'bad.npy' has a damaged header (not one NumPy wrote)"


@pytest.mark.parametrize("content, message", [
    (b"", NOT_NPY),
    (b"not numpy at all", NOT_NPY),
    (b"\x93NUM", NOT_NPY),
    (_header(b"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': __import__('os')}"), DAMAGED),
    (_header(b"garbage"), DAMAGED),
    (_header(b"{'descr': 'not a dtype', 'fortran_order': False, 'shape': (2,), }"), DAMAGED),
    (_header(b"{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }"), DAMAGED),
    (b"\x93NUMPY\x01\x00\xff\xff{", DAMAGED),
])
def test_load_refuses_corrupt_files(content, message):
    with open("bad.npy", "wb") as f:
        f.write(content)
    error = error_of("load('bad.npy')")
    assert (error.kind, error.message) == ("ValueError", message)


def test_load_refuses_an_unknown_format_version():
    with open("v9.npy", "wb") as f:
        f.write(b"\x93NUMPY\x09\x00" + b"\0" * 20)
    assert error_of("load('v9.npy')").message == "'v9.npy': unknown .npy format version (9, 0)"


def test_npz_archives_are_checked_member_by_member():
    numpy.savez("good.npz", a=numpy.ones(3), b=numpy.arange(2))
    assert run("d = load('good.npz')\nsorted(d.keys()), d['b'].tolist()") == [(["a", "b"], [0, 1])]
    numpy.savez("obj.npz", a=numpy.array([None], dtype=object))
    assert error_of("load('obj.npz')").message == \
        "'obj.npz'['a'] holds Python objects (pickled data), which tensorsh never loads"
    with open("junk.npz", "wb") as f:
        f.write(b"PK\x03\x04 junk " * 10)
    assert error_of("load('junk.npz')").message == \
        "'junk.npz' is not a .npz archive tensorsh can read: File is not a zip file"
    with open("good.npz", "rb") as f:
        data = f.read()
    with open("cut.npz", "wb") as f:
        f.write(data[:300])
    assert error_of("load('cut.npz')").kind == "ValueError"


def test_a_compressed_npz_bomb_is_refused_before_it_expands():
    previous = limits.max_memory()
    limits.set_max_memory(2 ** 26)
    try:
        numpy.savez_compressed("bomb.npz", a=numpy.zeros(10 ** 8, dtype=numpy.uint8))  # 100 MB in ~100 KB
        assert os.path.getsize("bomb.npz") < 10 ** 6
        error = error_of("load('bomb.npz')")
    finally:
        limits.set_max_memory(previous)
    assert error.message.startswith("an array of shape (100000000,) and dtype uint8 would need 95.4 MiB")


def test_a_zip_member_lying_about_its_size_is_refused():
    # The header says 1000 float64 (8000 bytes); the member holds 16 bytes of data.
    with zipfile.ZipFile("liar.npz", "w") as archive:
        archive.writestr("a.npy", _header(b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }")
                         + b"\0" * 16)
    assert "is truncated" in error_of("load('liar.npz')").message


def test_load_of_missing_files_and_directories():
    assert (error_of("load('missing.npy')").kind, error_of("load('missing.npy')").message) == \
        ("FileNotFoundError", "No such file: 'missing.npy'")
    os.mkdir("dir.npy")
    assert error_of("load('dir.npy')").kind == "IsADirectoryError"


# ---------------------------------------------------------------- named pipes, leftovers, byte order, paths


def _unblock_after(seconds, fifo):
    """A watchdog: if load() is stuck opening or reading `fifo`, open its write end and close
    it, so that load() sees end-of-file and the test fails instead of hanging for ever."""
    import threading

    def unblock():
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass  # nobody is reading: load() did not block

    timer = threading.Timer(seconds, unblock)
    timer.start()
    return timer


@pytest.mark.parametrize("name", ["p.npy", "p.npz"])
def test_load_refuses_a_named_pipe_without_blocking(name):
    os.mkfifo(name)
    watchdog = _unblock_after(10, name)
    try:
        error = error_of(f"load({name!r})")
    finally:
        watchdog.cancel()
    assert (error.kind, error.message) == (
        "OSError", f"{name!r} is a named pipe, not a regular file: load reads only regular files")


def test_load_refuses_a_pipe_swapped_in_after_the_check(monkeypatch):
    # stat() sees a regular file; by the time load() opens it, it is a pipe.
    numpy.save("good.npy", numpy.arange(3))
    os.mkfifo("race.npy")
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *args, **kwargs: real_stat(
        "good.npy" if str(path).endswith("race.npy") else path, *args, **kwargs))
    watchdog = _unblock_after(10, "race.npy")
    try:
        error = error_of("load('race.npy')")
    finally:
        watchdog.cancel()
    assert error.message == "'race.npy' is a named pipe, not a regular file: load reads only regular files"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


def _temporary(target: str, pid: int) -> str:
    name = f".{target}.tensorsh-save-{pid}-0123456789ab.tmp"
    with open(name, "wb") as f:
        f.write(b"\x93NUMPY half a file")
    return name


def test_the_next_save_or_load_removes_temporaries_a_killed_save_left(in_tmp):
    dead, sleeper = _dead_pid(), subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        of_dead = _temporary("x.npy", dead)
        of_us = _temporary("x.npy", os.getpid())  # our pid, not being written: a pid reused
        in_progress = _temporary("x.npy", sleeper.pid)  # a live writer's: kept
        other_target = _temporary("y.npy", dead)  # another target's: its own save removes it
        run("save(ones(2), 'x.npy')")
        assert sorted(os.listdir(in_tmp)) == sorted([in_progress, other_target, "x.npy"])
        assert of_dead not in os.listdir(in_tmp) and of_us not in os.listdir(in_tmp)
        error_of("load('y.npy')")  # a load removes them too, even of a file that is not there
        assert sorted(os.listdir(in_tmp)) == sorted([in_progress, "x.npy"])
    finally:
        sleeper.kill()
        sleeper.wait()


def test_kill_9_leftovers_are_gone_after_the_next_save(in_tmp):
    program = "for i in range(100000):\n    save(ones(2**22), 'x.npy')\n"  # 16 MiB per save
    for delay in (0.8, 1.3):
        process = subprocess.Popen([sys.executable, "-m", "tensorsh", "-c", program], cwd=in_tmp)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    run("save(arange(2), 'x.npy')")
    assert os.listdir(in_tmp) == ["x.npy"]


def test_big_endian_files_load_in_native_byte_order():
    numpy.save("f.npy", numpy.array([1.5, -2.0], dtype=">f4"))
    numpy.savez("several.npz", i=numpy.array([1, 2 ** 40], dtype=">i8"),
                c=numpy.array([1 + 2j], dtype=">c16"), little=numpy.arange(2, dtype="<i2"))
    assert run("t = load('f.npy')\nstr(t.dtype), t.tolist()") == [("torch.float32", [1.5, -2.0])]
    assert run("d = load('several.npz')\n[(k, str(d[k].dtype), d[k].tolist()) for k in sorted(d)]") == [[
        ("c", "torch.complex128", [1 + 2j]), ("i", "torch.int64", [1, 2 ** 40]),
        ("little", "torch.int16", [0, 1])]]
    assert run("t = load('f.npy')\nt += 1\nt.tolist()") == [[2.5, -1.0]]


def test_a_header_length_beyond_the_file_is_refused_before_it_is_read(in_tmp):
    # 12 bytes claiming a 2 GiB header: reading it first meant MemoryError under the memory limit.
    with open("tiny.npy", "wb") as f:
        f.write(b"\x93NUMPY\x02\x00" + (2 ** 31).to_bytes(4, "little"))
    result = subprocess.run([sys.executable, "-m", "tensorsh", "--max-memory", "64M", "-c", "load('tiny.npy')"],
                            cwd=in_tmp, capture_output=True, text=True, timeout=60, check=False)
    assert "error[ValueError]: 'tiny.npy' has a damaged header (not one NumPy wrote)" in result.stderr, \
        result.stderr
    assert error_of("load('tiny.npy')").message == "'tiny.npy' has a damaged header (not one NumPy wrote)"


def test_os_errors_name_the_file_as_given_never_the_working_directory(in_tmp):
    long = "a" * 300 + ".npy"
    for source in (f"save(ones(2), {long!r})", f"load({long!r})"):
        error = error_of(source)
        assert (error.kind, error.message) == ("OSError", f"[Errno 36] File name too long: {long!r}")
    os.makedirs("d.npy/inside")  # the rename over a non-empty directory fails, naming both paths
    error = error_of("save(ones(2), 'd.npy')")
    assert (error.kind, error.message) == ("IsADirectoryError", "[Errno 21] Is a directory: 'd.npy'")
    assert str(in_tmp) not in error.message
