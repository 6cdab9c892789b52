"""`tensorsh kernel install` and `remove`: the kernelspec they write, and the hint without the extra."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tensorsh import cli
from tensorsh.kernel.install import INSTALL_HINT, kernelspec


def tensorsh(*args: str) -> int:
    with pytest.raises(SystemExit) as info:
        cli.main(list(args))
    return info.value.code


def test_the_kernelspec_starts_this_python_on_the_kernel_module():
    spec = kernelspec("tensorsh")
    assert spec["argv"] == [sys.executable, "-m", "tensorsh.kernel", "-f", "{connection_file}"]
    assert spec["display_name"] == "tensorsh" and spec["language"] == "python"
    assert spec["interrupt_mode"] == "signal"


@pytest.mark.parametrize("command", ["install", "remove"])
def test_without_the_extra_it_says_how_to_install_it(command, monkeypatch, tmp_path, capsys):
    for name in ("ipykernel", "jupyter_client"):
        monkeypatch.setitem(sys.modules, name, None)  # an import of it raises ImportError
    args = ["--prefix", str(tmp_path)] if command == "install" else []
    assert tensorsh("kernel", command, *args) == 1
    err = capsys.readouterr().err
    assert INSTALL_HINT in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_user_and_prefix_together_are_a_usage_error(tmp_path, capsys):
    assert tensorsh("kernel", "install", "--user", "--prefix", str(tmp_path)) == 2
    assert "give one of --user, --sys-prefix and --prefix" in capsys.readouterr().err


def test_install_and_remove(tmp_path, monkeypatch, capsys):
    pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    assert tensorsh("kernel", "install", "--prefix", str(tmp_path), "--name", "tsh-test",
                    "--display-name", "tensorsh (test)") == 0
    folder = tmp_path / "share" / "jupyter" / "kernels" / "tsh-test"
    assert json.loads((folder / "kernel.json").read_text()) == kernelspec("tensorsh (test)")
    assert str(folder) in capsys.readouterr().out

    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    assert tensorsh("kernel", "remove", "--name", "tsh-test") == 0
    assert not folder.exists()
    assert tensorsh("kernel", "remove", "--name", "tsh-test") == 1
    assert "no kernel 'tsh-test'" in capsys.readouterr().err


def test_install_for_the_user_by_default(tmp_path, monkeypatch):
    pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    assert tensorsh("kernel", "install") == 0
    assert json.loads((tmp_path / "kernels" / "tensorsh" / "kernel.json").read_text())["display_name"] == "tensorsh"


def test_the_kernel_without_the_extra_says_how_to_install_it():
    # A kernelspec left behind by an environment that lost ipykernel: Jupyter shows the kernel's stderr.
    program = ("import runpy, sys\nsys.modules['ipykernel'] = None\n"
               "runpy.run_module('tensorsh.kernel', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert INSTALL_HINT in done.stderr and "Traceback" not in done.stderr
