"""Interrupts and pipes: SIGINT stops a script with status 130 and no traceback; a reader that
goes away (`tensorsh big.tsh | head -1`) ends tensorsh quietly."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tensorsh.lang.session import Session

TENSORSH = [sys.executable, "-m", "tensorsh"]


def _interrupt_after(process: subprocess.Popen, seconds: float) -> tuple[int, str, str]:
    time.sleep(seconds)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


@pytest.mark.parametrize("loop", [
    "for i in range(10**12):\n    x = i * 2\n",  # the evaluator's own loop
    "f = lambda n: [f(n - 1), f(n - 1)] if n else 0\nf(60)\n",  # lambda calls
    "for i in range(10**12):\n    x = (ones(100, 100) @ ones(100, 100)).sum()\n",  # engine calls
])
def test_sigint_stops_a_script_with_130_and_no_traceback(tmp_path, loop):
    script = tmp_path / "loop.tsh"
    script.write_text("print('before')\n" + loop)
    process = subprocess.Popen([*TENSORSH, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    status, out, err = _interrupt_after(process, 2.0)
    assert status == 130, err
    assert out == "before\n"  # output printed before the interrupt stays
    assert err == "interrupted\n"


@pytest.mark.parametrize("work", [
    "b = a @ a",  # one matrix product: computed in blocks (engine/work.py)
    "b = torch.matmul(a.expand(4, -1, -1), a)",  # a batch of them
    "b = torch.einsum('ij,jk->ik', a, a)",  # one NumPy call: waited for on a worker thread
    "b = torch.linalg.inv(a.double() + eye(6000, dtype=torch.float64))",
])
def test_sigint_stops_one_long_c_call_within_a_second(tmp_path, work):
    """Each of these is a single NumPy call of tens of seconds to minutes; a KeyboardInterrupt
    reaches Python code only between two calls into C."""
    script = tmp_path / "work.tsh"
    script.write_text(f"a = ones(6000, 6000)\nprint('before', flush=True)\n{work}\nprint('after')\n")
    process = subprocess.Popen([*TENSORSH, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "before\n"
    time.sleep(1.0)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (130, "", "interrupted\n")
    assert time.monotonic() - sent < 2.0


def test_sigint_while_reading_standard_input():
    process = subprocess.Popen([*TENSORSH, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdin.write("x = 1\n")
    process.stdin.flush()
    status, out, err = _interrupt_after(process, 1.5)
    assert (status, out, err) == (130, "", "interrupted\n")


def test_broken_pipe_exits_quietly(tmp_path):
    script = tmp_path / "big.tsh"
    script.write_text("for i in range(200000):\n    print(i)\nones(3)\n")
    done = subprocess.run(f"{sys.executable} -m tensorsh {script} | head -1", shell=True, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout == "0\n"
    assert done.stderr == ""


def test_broken_pipe_while_showing_values(tmp_path):
    script = tmp_path / "values.tsh"
    script.write_text("x = arange(1000).reshape(100, 10)\n" + "x\n" * 2000)
    process = subprocess.Popen([*TENSORSH, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.read(10)
    process.stdout.close()  # the reader goes away mid-output
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) in (0, 1)
    assert err == ""


def test_interrupt_in_the_library_leaves_a_usable_session():
    # SIGINT arrives as KeyboardInterrupt in the middle of a lambda recursion: the next run works,
    # and its lambda depth count starts from zero again.
    session = Session()
    session.run("f = lambda n: f(n - 1) + 1 if n else 0", "<t>")

    def interrupting(value):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        session.run("f(150)\nf(3)", "<t>", interrupting)
    shown = []
    session.run("f(190)", "<t>", shown.append)
    assert shown == [190]


def test_interrupt_inside_deep_calls_leaves_the_session_usable():
    import threading

    session = Session()
    session.run("f = lambda n: f(n - 1) if n else 0", "<t>")
    timer = threading.Timer(0.5, lambda: signal.raise_signal(signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            session.run("for i in range(10**9):\n    f(50)", "<t>")  # mostly inside lambda calls
    finally:
        timer.cancel()
    shown = []
    session.run("f(900)", "<t>", shown.append)  # the whole recursion depth is available again
    assert shown == [0]
