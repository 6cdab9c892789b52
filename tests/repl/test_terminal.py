"""The REPL in a real pseudo-terminal (pexpect): typing, reading the screen, Tab, Ctrl-C, Ctrl-D."""

import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest

from tests.repl.vt100 import Screen

ROOT = Path(__file__).resolve().parents[2]
CTRL_C, CTRL_D, UP, TAB, ESC = "\x03", "\x04", "\x1b[A", "\t", "\x1b"


class Terminal:
    """A REPL child process, and the text it has shown so far with escape codes removed."""

    def __init__(self, tmp_path, *, code="run_repl()", env=None):
        environment = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"), TERM="xterm-256color",
                           COLUMNS="100", LINES="30", **(env or {}))
        environment.pop("NO_COLOR", None)
        self.child = pexpect.spawn(sys.executable, ["-c", f"from tensorsh.repl.app import run_repl; {code}"],
                                   cwd=str(ROOT), env=environment, dimensions=(30, 100), encoding="utf-8",
                                   timeout=15)
        self.raw = ""
        self.screen = Screen(30, 100)

    def _pump(self, timeout: float) -> None:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return
        self.raw += chunk
        self.screen.feed(chunk)
        while self.screen.replies:  # answer cursor position requests, as a real terminal does
            self.child.send(self.screen.replies.pop(0))

    def wait_for_screen(self, pattern: str, timeout: float = 15) -> re.Match:
        """Wait until the screen as drawn (not the stream) shows `pattern`."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.compile(pattern).search(self.screen.text)
            if match:
                return match
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on the screen:\n{self.screen.text}")
            self._pump(0.1)

    def idle(self) -> bool:
        """True when the screen ends with an empty prompt: the REPL waits for input."""
        rows = [row for row in self.screen.lines if row]
        return bool(rows) and rows[-1] == "tsh>"

    def prompt(self, timeout: float = 15) -> None:
        """Wait until the REPL shows an empty prompt as its last line."""
        deadline = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > deadline:
                raise AssertionError(f"no prompt; the screen:\n{self.screen.text}")
            self._pump(0.1)

    def type(self, keys: str) -> None:
        self.child.send(keys)

    def run(self, line: str) -> str:
        """Type a line, Enter, wait for the next prompt; return the rows printed in between."""
        self.type(line)
        self.wait_for_screen(re.escape(line[-12:]))  # echoed: the line is in the buffer
        self.type("\r")
        time.sleep(0.05)
        self._pump(0.1)
        self.prompt()
        return self.last_output()

    def last_output(self) -> str:
        """The rows between the last input (its prompt and continuation rows) and the empty prompt."""
        rows = [row for row in self.screen.lines]
        while rows and not rows[-1]:
            rows.pop()
        rows.pop()  # the empty prompt
        start = max(i for i, row in enumerate(rows) if row.startswith("tsh> ") or row.startswith("...  ")
                    or row == "...")
        return "\n".join(rows[start + 1:])

    def close(self) -> int:
        if self.child.isalive():
            self.child.sendcontrol("c")  # clear whatever is on the line; Ctrl-D leaves only from an empty one
            time.sleep(0.1)
            self.child.sendcontrol("d")
            self.child.expect(pexpect.EOF, timeout=10)
        self.child.close()
        return self.child.exitstatus


@pytest.fixture
def term(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.prompt()
    yield terminal
    terminal.close()


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def test_start_shows_the_banner_then_the_prompt(tmp_path):
    terminal = Terminal(tmp_path)
    terminal.wait_for_screen(r"tensorsh \d+\.\d+\.\d+ · PyTorch on NumPy · :help for help, Ctrl-D to leave")
    terminal.prompt()
    assert terminal.close() == 0


def test_a_tensor_prints_with_its_header_and_colour(term):
    term.run("x = torch.tensor([[1., -2.], [3., 4.]])")
    shown = term.run("x")
    assert lines(shown) == ["shape (2, 2) · float32 · cpu", "tensor([[ 1., -2.],", "        [ 3.,  4.]])"]
    assert re.search(r"\x1b\[31m-2\.\x1b\[", term.raw)  # the negative number, in red


def test_an_error_shows_the_diagnostic_and_the_session_goes_on(term):
    term.run("t1 = torch.ones(2, 2)")
    shown = term.run("t1.dot(t1)")
    assert lines(shown)[:6] == ["error[RuntimeError]: 1D tensors expected, but got 2D and 2D tensors",
                                " --> <input>:1:3", "  |", "1 | t1.dot(t1)", "  | --^^^^ --", "  | (2, 2) (2, 2)"]
    assert lines(term.run("t1.sum()"))[-1] == "tensor(4.)"


def test_multi_line_input_continues_inside_brackets(term):
    term.type("y = torch.tensor([1,\r")
    term.wait_for_screen(r"(?m)^\.\.\.")
    term.type("2, 3])\r")
    term.prompt()
    assert lines(term.run("y.sum()"))[-1] == "tensor(6)"


def test_the_toolbar_says_why_a_multi_line_input_goes_on(term):
    term.type("x = [1,\r")
    term.wait_for_screen(r"`\[` from line 1 is open: `\]` closes it · Ctrl-C discards the input")
    term.type("2]\r")
    term.prompt()
    assert "closes it" not in term.screen.text  # gone once the input ran


def test_a_block_runs_after_an_empty_line(term):
    term.type("for i in range(3):\r")
    term.wait_for_screen(r"(?m)^\.\.\.")
    term.type("print(i * 10)\r\r")
    term.prompt()
    assert term.last_output() == "0\n10\n20"


def test_tab_completes_an_attribute(term):
    term.run("x = torch.ones(2, 3)")
    term.type("x.unsq")
    time.sleep(0.3)
    term.type(TAB)
    term.wait_for_screen(r"tsh> x\.unsqueeze")
    assert lines(term.run("(0).shape"))[-1] == "torch.Size([1, 2, 3])"


def test_tab_shows_a_menu_with_signatures(term):
    term.run("x = torch.ones(2, 3)")
    term.type("x.su")
    time.sleep(0.3)
    term.type(TAB)
    term.wait_for_screen(r"sum +sum\(dim=None, keepdim=False, \*, dtype=None\)")
    term.type(CTRL_C)
    term.prompt()


def test_the_toolbar_shows_the_signature_of_the_call(term):
    term.type("torch.zeros(")
    term.wait_for_screen(r"torch\.zeros\(\*sizes, size=None, dtype=None, device=None, requires_grad=False, out=None\)")
    term.type(CTRL_C)
    term.prompt()


def test_ctrl_c_clears_the_line(term):
    term.type("this_would_fail")
    time.sleep(0.2)
    term.type(CTRL_C)
    term.prompt()
    shown = term.run("1 + 1")
    assert lines(shown)[-1] == "2"
    assert "NameError" not in term.screen.text


@pytest.mark.parametrize("line", ["for i in range(10**9): k = i", ":time for i in range(10**9): k = i",
                                  ":timeit any(i < 0 for i in range(10**9))",
                                  ":gradcheck lambda t: sum(1 for i in range(10**9)) * 0 + t, torch.ones(3)"])
def test_ctrl_c_interrupts_a_long_computation_and_keeps_the_session(term, line):
    term.run("k = 1")
    term.type(line + "\r")
    time.sleep(1.0)
    started = time.monotonic()
    term.type(CTRL_C)
    term.wait_for_screen(r"KeyboardInterrupt: stopped; the variables are as they were before this input", timeout=5)
    # The promise is "within a second"; the margin covers this test's own polling on a busy machine.
    assert time.monotonic() - started < 2.0
    term.prompt()
    assert lines(term.run("k"))[-1] == "1"


def test_ctrl_d_leaves_with_status_zero(term):
    term.type(CTRL_D)
    term.child.expect(pexpect.EOF)
    term.child.close()
    assert term.child.exitstatus == 0


def test_quit_command_leaves(term):
    term.type(":quit\r")
    term.child.expect(pexpect.EOF)
    term.child.close()
    assert term.child.exitstatus == 0


def test_commands_and_suggestions(term):
    term.run("a = torch.zeros(3, 2)")
    shown = term.run(":vars")
    assert [line.split() for line in lines(shown)] == [
        ["name", "type", "shape", "dtype", "device", "requires_grad"],
        ["a", "Tensor", "(3,", "2)", "float32", "cpu", "False"]]
    assert lines(term.run(":hepl")) == [
        "unknown command ':hepl'; did you mean ':help'? (:help lists the commands)"]


def test_history_survives_a_restart_and_up_recalls_whole_statements(tmp_path):
    first = Terminal(tmp_path)
    first.prompt()
    first.type("w = torch.tensor([[1, 2],\r")
    first.wait_for_screen(r"(?m)^\.\.\.")
    first.type("[3, 4]])\r")
    first.prompt()
    assert first.close() == 0
    second = Terminal(tmp_path)
    second.prompt()
    second.type(UP)
    second.wait_for_screen(r"\[3, 4\]\]\)")
    second.type("\r")
    second.prompt()
    assert lines(second.run("w.shape"))[-1] == "torch.Size([2, 2])"
    assert second.close() == 0


def test_vi_mode_edits_with_vi_keys(tmp_path):
    terminal = Terminal(tmp_path, code="run_repl(vi=True)")
    terminal.prompt()
    terminal.type("41")
    terminal.wait_for_screen(r"tsh> 41")
    mark = len(terminal.raw)
    terminal.type(ESC)
    # Navigation mode shows a block cursor (CSI 2 SP q): the Escape was read as Escape.
    deadline = time.monotonic() + 10
    while "\x1b[2 q" not in terminal.raw[mark:] and time.monotonic() < deadline:
        terminal._pump(0.1)
    assert "\x1b[2 q" in terminal.raw[mark:]
    terminal.type("I")  # insert at the start of the line
    terminal.type("x = ")
    terminal.type("\r")
    terminal.prompt()
    assert lines(terminal.run("x + 1"))[-1] == "42"
    assert terminal.close() == 0


def test_plain_format_prints_bare_reprs(tmp_path):
    terminal = Terminal(tmp_path, code="run_repl(fmt='plain', color=False)")
    terminal.prompt()
    shown = terminal.run("torch.tensor([-1, 2])")
    assert lines(shown) == ["tensor([-1,  2])"]
    assert "\x1b[31m" not in terminal.raw
    assert terminal.close() == 0
