"""The `tensorsh` command in a subprocess: every mode, format and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]


def tensorsh(*args, stdin="", cwd=None, env=None):
    """Run `python -m tensorsh ARGS` with stdin and stdout as pipes (never a terminal)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "tensorsh", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, env=full_env, timeout=60)


# ---------------------------------------------------------------- modes

def test_dash_c_runs_code_and_prints_reprs():
    result = tensorsh("-c", "x = [1, 2]; x\nprint('hi')\nlen(x);")
    assert (result.returncode, result.stdout, result.stderr) == (0, "[1, 2]\nhi\n", "")


def test_file_argument_runs_the_file(tmp_path):
    script = tmp_path / "demo.tsh"
    script.write_text("a = 2\na * 21\n")
    result = tensorsh(str(script))
    assert (result.returncode, result.stdout) == (0, "42\n")


def test_piped_stdin_runs_without_an_argument():
    result = tensorsh(stdin="a = 3\na + 1\n")
    assert (result.returncode, result.stdout) == (0, "4\n")


def test_dash_reads_stdin():
    result = tensorsh("-", stdin="'from stdin'\n")
    assert (result.returncode, result.stdout) == (0, "'from stdin'\n")


def test_c_and_file_together_is_a_usage_error(tmp_path):
    result = tensorsh("-c", "1", str(tmp_path / "x.tsh"))
    assert result.returncode == 2 and "either -c CODE or a FILE" in result.stderr


def test_missing_file_is_a_usage_error():
    result = tensorsh("no-such-file.tsh")
    assert result.returncode == 2
    assert result.stderr.startswith("tensorsh: can't open file 'no-such-file.tsh'")


def test_unknown_option_is_a_usage_error():
    assert tensorsh("--frobnicate").returncode == 2


def test_version():
    result = tensorsh("--version")
    assert (result.returncode, result.stdout) == (0, "tensorsh, version 0.1.0\n")


def test_help_lists_the_options():
    result = tensorsh("--help")
    assert result.returncode == 0
    for option in ("-c CODE", "--format", "--seed", "--no-color", "--no-files", "--debug", "--version"):
        assert option in result.stdout


def _cli_in_terminal(tmp_path, *args):
    """The real `tensorsh` command in a pseudo-terminal, with a screen that answers like a terminal."""
    from tests.repl.test_terminal import Terminal

    argv = ["tensorsh", "--format", "plain", *args]
    return Terminal(tmp_path, code=f"import sys; sys.argv = {argv!r}; from tensorsh.cli import main; main()")


def test_terminal_without_a_program_opens_the_repl(tmp_path):
    term = _cli_in_terminal(tmp_path)
    term.prompt()
    assert term.run("tensor([1, 2]) * 3") == "tensor([3, 6])"
    term.type("\x04")  # Ctrl-D leaves
    term.child.expect(pexpect_eof())
    term.child.close()
    assert term.child.exitstatus == 0


def test_dash_i_opens_the_repl_with_the_files_variables(tmp_path):
    script = tmp_path / "start.tsh"
    script.write_text("x = tensor([1., 2.])\nx * 10\n")
    term = _cli_in_terminal(tmp_path, "-i", str(script))
    term.prompt()
    assert "tensor([10., 20.])" in term.screen.text
    assert term.run("x.sum()") == "tensor(3.)"


def pexpect_eof():
    import pexpect

    return pexpect.EOF


# ---------------------------------------------------------------- exit statuses and errors

def test_runtime_error_exits_1_and_keeps_earlier_output_on_stdout():
    result = tensorsh("-c", "print('before')\n1\nundefined_name\nprint('after')")
    assert result.returncode == 1
    assert result.stdout == "before\n1\n"
    assert result.stderr == (
        "error[NameError]: name 'undefined_name' is not defined\n"
        " --> <string>:3:1\n  |\n3 | undefined_name\n  | ^^^^^^^^^^^^^^\n")


def test_syntax_error_exits_2_and_runs_nothing(tmp_path):
    script = tmp_path / "bad.tsh"
    script.write_text("print('never')\nx = (1,\n")
    result = tensorsh(str(script))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error[SyntaxError]: '(' was never closed\n --> {script}:2:5\n")


def test_no_traceback_without_debug_and_one_with_it():
    plain = tensorsh("-c", "1 / 0")
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    debug = tensorsh("--debug", "-c", "1 / 0")
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    assert debug.stderr.rstrip().endswith("  | ^^^^^")


def test_stderr_has_no_colour_when_not_a_terminal():
    assert "\x1b[" not in tensorsh("-c", "nope").stderr


def test_no_files_turns_off_save(tmp_path):
    result = tensorsh("--no-files", "-c", "save([1], 'x.npy')", cwd=tmp_path)
    assert result.returncode == 1 and "file access is turned off (--no-files)" in result.stderr
    assert not (tmp_path / "x.npy").exists()
    assert tensorsh("-c", "save([1], 'x.npy')", cwd=tmp_path).returncode == 0
    assert (tmp_path / "x.npy").exists()


def test_broken_pipe_exits_quietly():
    process = subprocess.Popen(
        [sys.executable, "-m", "tensorsh", "-c", "for i in range(200000): print(i)"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout.readline() == b"0\n"
    process.stdout.close()
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert stderr == b""
    assert process.returncode == 1


# ---------------------------------------------------------------- formats

def test_plain_is_the_default_for_a_pipe():
    program = "torch.tensor([[1, 2, 3], [4, 5, 6]])"
    assert tensorsh("-c", program).stdout == tensorsh("--format", "plain", "-c", program).stdout == \
        "tensor([[1, 2, 3],\n        [4, 5, 6]])\n"


def test_rich_shows_a_header_above_each_tensor():
    result = tensorsh("--format", "rich", "--no-color", "-c",
                      "torch.zeros(2, 3)\n7\nw = torch.tensor([1.0], requires_grad=True)\nw\nw * 2")
    assert result.returncode == 0
    assert result.stdout == (
        "shape (2, 3) · float32 · cpu\n"
        "tensor([[0., 0., 0.],\n        [0., 0., 0.]])\n"
        "7\n"
        "shape (1,) · float32 · cpu · requires_grad\n"
        "tensor([1.], requires_grad=True)\n"
        "shape (1,) · float32 · cpu · grad_fn=MulBackward0\n"
        "tensor([2.], grad_fn=<MulBackward0>)\n")


def test_json_writes_one_object_per_value():
    result = tensorsh("--format", "json", "-c",
                      "torch.tensor([[1, 2], [3, 4]])\ntorch.tensor([0.5], requires_grad=True)\n"
                      "print('note')\n3\n'text'\n[1, 2.5]\nnp.arange(3)\ntorch.tensor([float('nan')])")
    assert result.returncode == 0
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects == [
        {"type": "tensor", "shape": [2, 2], "dtype": "int64", "device": "cpu", "requires_grad": False,
         "data": [[1, 2], [3, 4]]},
        {"type": "tensor", "shape": [1], "dtype": "float32", "device": "cpu", "requires_grad": True,
         "data": [0.5]},
        {"type": "print", "text": "note\n"},
        {"type": "int", "data": 3},
        {"type": "str", "data": "text"},
        {"type": "list", "data": [{"type": "int", "data": 1}, {"type": "float", "data": 2.5}]},
        {"type": "ndarray", "shape": [3], "dtype": "int64", "data": [0, 1, 2]},
        {"type": "tensor", "shape": [1], "dtype": "float32", "device": "cpu", "requires_grad": False,
         "data": ["nan"]},
    ]


def test_plain_output_imports_neither_rich_nor_prompt_toolkit():
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tensorsh", "-c", "softmax(tensor([0.5, 0.7, 0.1]), dim=0)"],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert probe.returncode == 0
    imported = {line.split("|")[-1].strip() for line in probe.stderr.splitlines() if "|" in line}
    assert "tensorsh.lang.evaluator" in imported
    assert not any(name.split(".")[0] in ("rich", "prompt_toolkit") for name in imported)


# ---------------------------------------------------------------- seed

def test_seed_makes_random_programs_repeat():
    program = "torch.rand(3)\nnp.random.random(2)"
    first, second = tensorsh("--seed", "7", "-c", program), tensorsh("--seed", "7", "-c", program)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert tensorsh("--seed", "8", "-c", program).stdout != first.stdout


def test_ctrl_c_stops_a_program_with_status_130():
    import signal

    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "tensorsh", "-c", "print('started')\nfor i in range(10 ** 9): pass"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout.readline() == b"started\n"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr) == (130, b"interrupted\n")


def test_a_terminal_gets_rich_output_and_coloured_errors_by_default():
    import pexpect

    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    child = pexpect.spawn(sys.executable, ["-m", "tensorsh", "-c", "torch.zeros(2)\nnope"],
                          env={**env, "PYTHONPATH": str(ROOT), "TERM": "xterm"}, encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    child.close()
    screen = child.before.replace("\r\n", "\n")
    assert child.exitstatus == 1
    assert "\x1b[2mshape (2,) · float32 · cpu\x1b[0m\ntensor([0., 0.])\n" in screen
    assert "\x1b[1;31merror[NameError]\x1b[0m" in screen


def test_a_windows_file_with_bom_and_crlf_runs(tmp_path):
    script = tmp_path / "win.tsh"
    script.write_bytes(b"\xef\xbb\xbfx = 2\r\nx * 3\r\n")
    result = tensorsh(str(script))
    assert (result.returncode, result.stdout) == (0, "6\n")


# ---------------------------------------------------------------- odd input (tests/reliability/test_input_limits.py)

def test_a_library_warning_is_one_line_on_stderr():
    result = tensorsh("-c", "import numpy as np\nx = np.mean(np.array([]))\nprint('after')")
    assert (result.returncode, result.stdout, result.stderr) == (0, "after\n", "RuntimeWarning: Mean of empty slice\n")


def test_a_byte_order_mark_is_ignored_on_stdin_and_in_dash_c_as_in_a_file():
    assert (tensorsh(stdin="\ufeffx = 2\nx * 3\n").stdout, tensorsh("-c", "\ufeffx = 2\nx * 3").stdout) == ("6\n", "6\n")


def test_input_past_the_size_limit_is_refused_without_reading_it_all():
    from tensorsh.lang.evaluator import MAX_SOURCE_CHARACTERS

    result = tensorsh(stdin="#" * (MAX_SOURCE_CHARACTERS + 100))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error[SyntaxError]: the program is longer than tensorsh's limit of ")
    assert len(result.stderr) < 1000


def test_escape_sequences_in_the_source_are_not_sent_to_the_terminal():
    result = tensorsh("-c", "'\x1b[2J\x1b[31m' + nope")
    assert result.returncode == 1 and "\x1b" not in result.stderr
    assert "1 | '\\x1b[2J\\x1b[31m' + nope\n" in result.stderr
