"""What needs no PyTorch: the default path never imports it, and without it `--backend torch`
says how to install it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.backend.command import ROOT, tensorsh

# ---------------------------------------------------------------- the default path never imports torch

def test_the_default_path_imports_neither_torch_nor_the_backend_modules():
    done = tensorsh("-c", "x = tensor([1.0, 2.0])\nprint(softmax(x, dim=0))", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "tensorsh.engine" in imported  # the profile is there
    assert not {name for name in imported if name == "torch" or name.startswith("torch.")}
    assert not imported & {"tensorsh.lang.torch_backend", "tensorsh.lang.compare"}


def test_without_torch_the_backend_says_how_to_install_it(tmp_path):
    # A finder ahead of every other refuses torch, as if it were not installed.
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n\nclass NoTorch:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch' or name.startswith('torch.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n\n"
        "sys.meta_path.insert(0, NoTorch())\n")
    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    for args in (("--backend", "torch", "-c", "1"), ("--compare", "-c", "1")):
        done = subprocess.run([sys.executable, "-m", "tensorsh", *args], capture_output=True, text=True,
                              env={**os.environ, **env}, timeout=120)
        assert (done.returncode, done.stdout) == (2, ""), done.stderr
        assert done.stderr == "tensorsh: --backend torch runs on PyTorch, which is not installed: " \
                              "pip install 'tensorsh[torch]'\n"
    # The default backend does not care.
    done = subprocess.run([sys.executable, "-m", "tensorsh", "-c", "tensor([1, 2]) * 2"], capture_output=True,
                          text=True, env={**os.environ, **env}, timeout=120)
    assert (done.returncode, done.stdout) == (0, "tensor([2, 4])\n"), done.stderr


def test_a_library_user_without_torch_gets_the_same_advice(monkeypatch):
    from tensorsh.lang import scope

    monkeypatch.setitem(sys.modules, "tensorsh.lang.torch_backend", None)  # `import` of it fails
    with pytest.raises(scope.BackendUnavailable, match=r"pip install 'tensorsh\[torch\]'"):
        scope.builtins(backend="torch")
