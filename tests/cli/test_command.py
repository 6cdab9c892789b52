"""The click command in this process (click's CliRunner), its usage errors, and shell completion."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tensorsh.command import command
from tensorsh.engine import limits
from tests.cli.test_cli import ROOT, tensorsh


@pytest.fixture
def run(monkeypatch):
    """Invoke the command in-process; the process-wide memory cap and gc.freeze stay off the test runner."""
    monkeypatch.setattr(limits, "limit_process_memory", lambda nbytes=None: False)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    before = limits.max_memory()
    yield lambda *args, stdin="": CliRunner().invoke(command, list(args), input=stdin, prog_name="tensorsh")
    limits.set_max_memory(before)


def test_runner_runs_code_and_reports_the_exit_status(run):
    assert (run("-c", "tensor([1, 2]) * 3").output, run("-c", "tensor([1, 2]) * 3").exit_code) == \
        ("tensor([3, 6])\n", 0)
    failed = run("-c", "print('before')\nnope")
    assert failed.exit_code == 1 and failed.stdout == "before\n"
    assert "error[NameError]: name 'nope' is not defined" in failed.stderr
    assert run("-c", "exit(3)").exit_code == 3
    assert run("-c", "x = (").exit_code == 2


def test_runner_reads_a_program_from_stdin(run):
    assert run(stdin="a = 4\na * a\n").output == "16\n"
    assert run("-", stdin="'dash'\n").output == "'dash'\n"


@pytest.mark.parametrize("code, shown", [("-torch.ones(2)", "tensor([-1., -1.])\n"),
                                         ("-1", "-1\n"), ("--1", "1\n"), ("-c", None)])
def test_code_may_start_with_a_dash(run, code, shown):
    result = run("-c", code)
    if shown is None:  # `-c -c`: the second is the code, a NameError, not an option
        assert result.exit_code == 1 and "name 'c' is not defined" in result.stderr
    else:
        assert (result.exit_code, result.stdout) == (0, shown)


def test_code_starting_with_a_dash_in_a_real_process():
    result = tensorsh("-c", "-torch.ones(2)")
    assert (result.returncode, result.stdout, result.stderr) == (0, "tensor([-1., -1.])\n", "")


@pytest.mark.parametrize("size, message", [
    ("16000000P", "'16000000P' is more memory than a 64-bit machine can address"),
    ("9" * 30, "is more memory than a 64-bit machine can address"),
    ("9" * 400, "is more memory than a 64-bit machine can address"),
    ("2X", "not a size: '2X'"),
    ("0", "the memory limit must be positive"),
    ("-5G", "not a size"),
])
def test_absurd_memory_sizes_are_usage_errors(run, size, message):
    result = run("--max-memory", size, "-c", "1")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Invalid value for '--max-memory'" in result.stderr and message in result.stderr


def test_a_sensible_memory_size_is_applied(run):
    assert run("--max-memory", "1K", "-c", "zeros(1000)").exit_code == 1
    assert run("--max-memory", "1.5GiB", "-c", "zeros(1000).shape").output == "torch.Size([1000])\n"


def test_absurd_memory_size_in_a_real_process_is_a_usage_error():
    result = tensorsh("--max-memory", "16000000P", "-c", "1")
    assert (result.returncode, result.stdout) == (2, "")
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Usage: tensorsh [OPTIONS] [FILE]\n")
    assert result.stderr.rstrip().endswith("'16000000P' is more memory than a 64-bit machine can address")


def test_usage_errors_through_the_runner(run):
    assert run("--frobnicate").exit_code == 2
    unknown = run("--frobnicate").stderr
    assert "No such option" in unknown and "--frobnicate" in unknown
    both = run("-c", "1", "x.tsh")
    assert both.exit_code == 2 and "give either -c CODE or a FILE, not both" in both.stderr
    assert run("--format", "xml", "-c", "1").exit_code == 2
    assert run("--seed", "seven", "-c", "1").exit_code == 2
    assert run("--max-mem", "1G", "-c", "1").exit_code == 2  # no abbreviations


def test_help_and_version_through_the_runner(run):
    shown = run("--help")
    assert shown.exit_code == 0 and shown.output.startswith("Usage: tensorsh [OPTIONS] [FILE]")
    assert run("-h").output == shown.output
    assert run("--version").output == "tensorsh, version 0.1.0\n"


# ---------------------------------------------------------------- shell completion

def complete(words: str, cwd=None, shell: str = "bash") -> list[tuple[str, str]]:
    """What click's completion protocol answers for the command line `words` (the last word is being typed)."""
    parts = words.split(" ")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_TENSORSH_COMPLETE": f"{shell}_complete",
           "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    done = subprocess.run([sys.executable, "-m", "tensorsh"], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return [tuple(line.split(",", 1)) for line in done.stdout.splitlines()]


def test_completion_offers_the_options():
    assert complete("tensorsh --max") == [("plain", "--max-memory")]
    offered = {value for _, value in complete("tensorsh --")}
    assert {"--format", "--seed", "--no-color", "--no-files", "--max-memory", "--debug", "--vi",
            "--version", "--help"} <= offered
    assert complete("tensorsh --format ") == [("plain", "plain"), ("plain", "rich"), ("plain", "json")]


def test_completion_offers_tsh_files_and_leaves_directories_to_the_shell(tmp_path):
    (tmp_path / "train.tsh").write_text("1")
    (tmp_path / "test.tsh").write_text("1")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "tsub").mkdir()
    (tmp_path / "tsub" / "deep.tsh").write_text("1")
    assert complete("tensorsh t", cwd=tmp_path) == [("dir", "t"), ("plain", "test.tsh"), ("plain", "train.tsh")]
    assert complete("tensorsh tsub/", cwd=tmp_path) == [("dir", "tsub/"), ("plain", "tsub/deep.tsh")]
    assert complete("tensorsh -i n", cwd=tmp_path) == [("dir", "n")]


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F _tensorsh_completion tensorsh"),
                                           ("zsh", "compdef _tensorsh_completion tensorsh"),
                                           ("fish", "complete --no-files --command tensorsh")])
def test_each_shell_gets_its_completion_script(shell, marker):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_TENSORSH_COMPLETE": f"{shell}_source"}
    done = subprocess.run([sys.executable, "-m", "tensorsh"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and marker in done.stdout


def test_bash_completes_a_file_through_the_sourced_script(tmp_path):
    (tmp_path / "model.tsh").write_text("1")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "tensorsh").write_text(f"#!/bin/sh\nexec {sys.executable} -m tensorsh \"$@\"\n")
    (bin_dir / "tensorsh").chmod(0o755)
    script = ('eval "$(_TENSORSH_COMPLETE=bash_source tensorsh)"; COMP_WORDS=(tensorsh mo); COMP_CWORD=1; '
              '_tensorsh_completion tensorsh 2>/dev/null; printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.stdout.split() == ["model.tsh"]
