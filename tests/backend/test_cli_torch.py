"""`tensorsh --backend torch` and `tensorsh --compare` as a user runs them."""

from __future__ import annotations

import json

import pytest

from tests.backend.command import tensorsh

pytest.importorskip("torch")


# ---------------------------------------------------------------- --backend torch


def test_a_program_runs_on_pytorch_with_the_same_printing_and_exit_codes(tmp_path):
    program = tmp_path / "p.tsh"
    program.write_text("import torch\nx = torch.linspace(0, 1, 3)\nprint(x.sum())\nx.softmax(0)\n")
    runs = [tensorsh("--backend", backend, str(program)) for backend in ("numpy", "torch")]
    assert [(done.returncode, done.stdout, done.stderr) for done in runs] == [
        (0, "tensor(1.5000)\ntensor([0.1863, 0.3072, 0.5065])\n", "")] * 2
    failed = [tensorsh("--backend", backend, "-c", "x = ones(2, 3)\nx @ x") for backend in ("numpy", "torch")]
    done = failed[1]
    # PyTorch's message, the operator marked and the operands' shapes, as on the engine.
    assert done.returncode == 1 and done.stderr.startswith("error[RuntimeError]: mat1 and mat2 shapes cannot be "
                                                           "multiplied (2x3 and 2x3)\n --> <string>:2:3"), done.stderr
    assert "  | (2, 3)\n" in done.stderr and done.stderr == failed[0].stderr
    done = tensorsh("--backend", "torch", "-c", "x = (")
    assert done.returncode == 2 and done.stderr.startswith("error[SyntaxError]"), done.stderr
    done = tensorsh("--backend", "torch", "-c", "exit(4)")
    assert done.returncode == 4


def test_seeded_programs_draw_pytorchs_numbers_on_both_backends():
    outputs = {backend: tensorsh("--backend", backend, "--seed", "3", "-c", "torch.randn(4)").stdout
               for backend in ("numpy", "torch")}
    assert outputs["numpy"] == outputs["torch"] != ""


def test_rich_and_json_formats_describe_pytorchs_tensors():
    done = tensorsh("--backend", "torch", "--format", "json", "-c", "torch.ones(2, dtype=torch.int64)")
    assert json.loads(done.stdout) == {"type": "tensor", "shape": [2], "dtype": "int64", "device": "cpu",
                                       "requires_grad": False, "data": [1, 1]}
    done = tensorsh("--backend", "torch", "--format", "rich", "--no-color", "-c",
                    "torch.ones(2, 3, requires_grad=True) * 2")
    assert done.stdout.splitlines()[0] == "shape (2, 3) · float32 · cpu · grad_fn=MulBackward0"


def test_cuda_is_pytorchs_answer():
    import torch

    done = tensorsh("--backend", "torch", "-c", "torch.cuda.is_available()")
    assert done.stdout == f"{torch.cuda.is_available()}\n"
    if not torch.cuda.is_available():
        done = tensorsh("--backend", "torch", "-c", "torch.ones(1).to('cuda')")
        assert done.returncode == 1 and "InternalError" not in done.stderr and "Traceback" not in done.stderr


def test_save_and_load_stay_npy_on_pytorch(tmp_path):
    done = tensorsh("--backend", "torch", "-c", "torch.save({'w': torch.ones(2)}, 'w.npz')\ntorch.load('w.npz')",
                    cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "{'w': tensor([1., 1.])}\n"), done.stderr
    done = tensorsh("--backend", "torch", "-c", "torch.save(torch.ones(2), 'w.pt')", cwd=tmp_path)
    assert done.returncode == 1 and "only handle .npy and .npz" in done.stderr


# ---------------------------------------------------------------- --compare

AGREEING = ("import torch\nx = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)\n"
            "y = (x @ x).sum(); y.backward()\nprint(x.grad)\ntorch.manual_seed(0);\ntorch.randn(3)\n"
            "np.random.rand(2)\n")


def test_compare_runs_both_engines_and_shows_what_they_agree_on(tmp_path):
    program = tmp_path / "agree.tsh"
    program.write_text(AGREEING)
    done = tensorsh("--compare", str(program))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == tensorsh("--seed", "0", str(program)).stdout
    assert done.stderr == "tensorsh --compare: numpy and torch agree on all 7 statements\n"


def test_compare_reports_the_first_statement_that_differs_with_both_outputs(tmp_path):
    program = tmp_path / "differ.tsh"
    program.write_text("x = torch.tensor([1.0, 2.0])\nprint(x * 2)\ny = torch.fft.fft(x)\nprint(y)\n")
    done = tensorsh("--compare", str(program))
    assert done.returncode == 1
    assert done.stdout == (
        "tensor([2., 4.])\n"
        f"tensorsh --compare: the backends differ at {program}:3\n"
        "  | y = torch.fft.fft(x)\n"
        "--- numpy\n"
        "error[AttributeError]: module 'torch' has no attribute 'fft'\n"
        f" --> {program}:3:5\n"
        "  |\n"
        "3 | y = torch.fft.fft(x)\n"
        "  |     ^^^^^^^^^\n"
        "--- torch\n"
        "(no output)\n")


def test_compare_stops_where_both_stop_the_same_way():
    done = tensorsh("--compare", "-c", "print(1)\nint('a')\nprint(2)")
    assert (done.returncode, done.stdout) == (1, "1\n")
    assert done.stderr.startswith("error[ValueError]: invalid literal for int() with base 10: 'a'")
    assert done.stderr.endswith("agree on the 2 statements that ran\n")


def test_compare_checks_the_whole_program_before_running_any_of_it():
    done = tensorsh("--compare", "-c", "print(1)\nx = (")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error[SyntaxError]")


def test_compare_takes_neither_a_backend_nor_the_repl():
    assert tensorsh("--compare", "--backend", "torch", "-c", "1").returncode == 2
    assert tensorsh("--compare", "-i", "-c", "1").returncode == 2


def test_statements_are_whole_lines_decorators_included():
    from tensorsh.lang.compare import statements

    assert statements("x = 1; y = 2\n@f\ndef g():\n    pass\n\nz = (3,\n     4)\n") == [(1, 1), (2, 4), (6, 7)]


def test_compare_runs_a_program_only_one_backend_accepts_up_to_where_it_differs():
    done = tensorsh("--compare", "-c", "print(1)\nimport torch.fft\ntorch.fft.fft(tensor([1.0]))")
    assert (done.returncode, done.stdout.splitlines()[:3]) == (
        1, ["1", "tensorsh --compare: the backends differ at <string>:2", "  | import torch.fft"])
