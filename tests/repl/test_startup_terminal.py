"""Start-up in a real pseudo-terminal: the prompt before the engine, Ctrl-R, and `tensorsh | cat`.

The engine's import is made observable by a gate: a `sitecustomize` on PYTHONPATH holds
the import of NumPy until the test opens it, and leaves a mark when the import was
asked for. So "the prompt came before the engine" is a fact the test sees, not a race.
"""

import os
import sys
import time
from pathlib import Path

import pexpect

from tests.repl.test_terminal import CTRL_C, Terminal, lines

ROOT = Path(__file__).resolve().parents[2]
CTRL_R = "\x12"

GATE = '''
import os, sys, time
GATE = {gate!r}

class NumpyGate:
    """Holds `import numpy` until the gate file exists; marks that it was asked for."""

    def find_spec(self, name, path=None, target=None):
        if name == "click":
            open(GATE + ".click", "w").close()
        if name == "numpy":
            open(GATE + ".asked", "w").close()
            while not os.path.exists(GATE):
                time.sleep(0.01)
            sys.meta_path.remove(self)
        return None

sys.meta_path.insert(0, NumpyGate())
'''


def gated_cli(tmp_path, *args):
    """The `tensorsh` command in a terminal, NumPy's import held until `gate.touch()`."""
    site = tmp_path / "site"
    site.mkdir()
    gate = tmp_path / "gate"
    (site / "sitecustomize.py").write_text(GATE.format(gate=str(gate)))
    argv = ["tensorsh", *args]
    term = Terminal(tmp_path, code=f"import sys; sys.argv = {argv!r}; from tensorsh.cli import main; main()",
                    env={"PYTHONPATH": f"{site}{os.pathsep}{ROOT}"})
    return term, gate


def test_the_prompt_is_drawn_and_takes_typing_while_the_engine_imports(tmp_path):
    term, gate = gated_cli(tmp_path)
    term.prompt()
    term.type("x = 20 + 1")
    term.wait_for_screen(r"tsh> x = 20 \+ 1", timeout=5)  # echoed, with the engine held
    deadline = time.monotonic() + 10
    while not Path(f"{gate}.asked").exists():  # the import started behind the prompt...
        assert time.monotonic() < deadline, "the REPL never started importing the engine"
        time.sleep(0.02)
    term.type("\r")  # ...and the first statement waits for it
    term._pump(0.3)
    assert not term.idle()
    gate.touch()
    term.prompt()
    assert term.run("x * 2") == "42"
    assert term.close() == 0
    assert not Path(f"{gate}.click").exists()  # `tensorsh` alone has no command line for click to read


def test_input_typed_before_the_engine_is_coloured_once_it_loads(tmp_path):
    term, gate = gated_cli(tmp_path)
    term.prompt()
    term.type("y = 20 + 1")
    term.wait_for_screen(r"tsh> y = 20 \+ 1")
    coloured = "\x1b[0;38;5;241m20"  # a number, in the lexer's colour
    assert coloured not in term.raw
    gate.touch()
    deadline = time.monotonic() + 15
    while coloured not in term.raw:  # redrawn without another key
        assert time.monotonic() < deadline, f"never coloured: {term.raw[-300:]!r}"
        term._pump(0.1)
    term.type("\r")
    term.prompt()
    assert term.run("y") == "21"
    assert term.close() == 0


def test_ctrl_c_while_the_first_statement_waits_for_the_engine(tmp_path):
    term, gate = gated_cli(tmp_path)
    term.prompt()
    term.type("1 + 1\r")
    term._pump(0.3)
    term.type(CTRL_C)
    term.wait_for_screen(r"(?m)KeyboardInterrupt$")
    term.prompt()
    gate.touch()
    assert term.run("2 + 2") == "4"
    assert term.close() == 0


def test_tab_waits_for_the_engine_and_completes(tmp_path):
    term, gate = gated_cli(tmp_path)
    term.prompt()
    term.type("torch.zero")
    term.wait_for_screen(r"tsh> torch\.zero")
    term.type("\t")
    term._pump(0.3)
    gate.touch()
    term.wait_for_screen(r"tsh> torch\.zeros")
    assert term.close() == 0


def test_ctrl_r_finds_a_statement_and_one_enter_runs_it(tmp_path):
    term = Terminal(tmp_path)
    term.prompt()
    term.run("marker = 7")
    assert term.run("marker * 6") == "42"
    term.run("other = 1")
    term.type(CTRL_R)
    term.wait_for_screen(r"reverse-i-search|I-search backward")
    term.type("marker *")
    term.wait_for_screen(r"marker \* 6")
    term.type("\r")  # once
    term._pump(0.3)
    term.prompt()
    assert lines(term.last_output()) == ["42"]
    assert term.screen.text.count("42") == 2
    assert term.close() == 0


def spawn_shell(command: str, tmp_path) -> pexpect.spawn:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", XDG_STATE_HOME=str(tmp_path))
    env.pop("NO_COLOR", None)
    return pexpect.spawn("/bin/sh", ["-c", command], cwd=str(ROOT), env=env, dimensions=(30, 100),
                         encoding="utf-8", timeout=30)


def test_piped_stdout_reads_a_program_from_the_keyboard_without_a_prompt(tmp_path):
    child = spawn_shell(f"{sys.executable} -m tensorsh | cat", tmp_path)
    child.expect_exact("type a program, then Ctrl-D to run it")
    child.send("x = 2\rprint('a line')\rx * 21\r")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    shown = child.before.replace("\r\n", "\n")
    assert shown.endswith("a line\n42\n")
    assert "tsh>" not in shown and "\x1b" not in shown  # no prompt, no drawing into the pipe


def test_piped_stdout_runs_a_file_as_before(tmp_path):
    script = tmp_path / "s.tsh"
    script.write_text("tensor([1, 2]) * 3\n")
    child = spawn_shell(f"{sys.executable} -m tensorsh {script} | cat", tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus, child.before.replace("\r\n", "\n")) == (0, "tensor([3, 6])\n")
