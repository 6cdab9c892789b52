"""scripts/bench.py: it runs end to end on tiny sizes, and its hand-written NumPy references are right.

No timing is asserted here (issue 7): only that every row of the issue is produced,
judged against its goal, and that the NumPy baselines compute what they claim.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "scripts" / "bench.py"

_spec = importlib.util.spec_from_file_location("tensorsh_bench", BENCH)
bench = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bench  # dataclasses look their module up while the file runs
_spec.loader.exec_module(bench)

STATUSES = {"PASS", "MISS", "ERROR", "n/a", "INFO"}


def run_bench(tmp_path, *flags):
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--tiny", "--json", str(out), *flags],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(out.read_text())


# ---------------------------------------------------------------- the whole run


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    return run_bench(tmp_path_factory.mktemp("bench"))


def test_tiny_run_produces_every_row_of_the_issue(tiny_run):
    _, report = tiny_run
    rows = report["rows"]
    per_group = {}
    for row in rows:
        per_group.setdefault(row["group"], []).append(row)
    # 2 start-up refs; 7 ops + geomean; run, rate, parse share; scalar + MLP twice;
    # matmul per size and dtype + exp, fma, sum; memory.
    assert {g: len(r) for g, r in per_group.items()} == {
        "1 start-up": 2, "2 dispatch (3,5) f32": 8, "3 language": 3, "4 autograd": 3,
        "5 large ops": 2 * len(bench.TINY.matmul_sizes) + 3, "6 memory": 1,
    }
    goals = [(r["reference"], r["goal"]) for r in rows if r["goal"] is not None]
    assert ("numpy", 1.3) in goals and ("torch", 0.15) in goals and ("torch", 0.8) in goals
    assert ("torch", 0.3) in goals and ("alloc", 1.05) in goals
    assert all(r["status"] in STATUSES for r in rows)


def test_tiny_run_judges_each_ratio_against_its_goal(tiny_run):
    _, report = tiny_run
    for row in report["rows"]:
        if row["status"] in ("PASS", "MISS"):
            assert (row["ratio"] <= row["goal"]) == (row["status"] == "PASS"), row
        if row["status"] == "ERROR":
            assert row["note"], row  # an error always says why
        geomean = row["name"] == "geometric mean of the ops"
        if row["status"] in ("PASS", "MISS") and row["reference"] in ("numpy", "torch") and not geomean:
            # the ratio is the median of paired ratios of the two sides' samples
            mine, theirs = row["samples"]["tensorsh"], row["samples"][row["reference"]]
            assert len(mine) == len(theirs) >= 1
            assert row["ratio"] == pytest.approx(float(np.median(np.divide(mine, theirs))))


def test_geometric_mean_is_over_the_op_rows(tiny_run):
    _, report = tiny_run
    ops = [r for r in report["rows"] if r["group"] == "2 dispatch (3,5) f32"]
    geomean = ops.pop()
    ratios = [r["ratio"] for r in ops if r["ratio"] is not None]
    if ratios:
        assert geomean["ratio"] == pytest.approx(float(np.exp(np.mean(np.log(ratios)))))


def test_tiny_run_prints_the_table_and_the_environment(tiny_run):
    stdout, report = tiny_run
    assert "| row | unit | tensorsh | NumPy | PyTorch | ratio | vs | goal | result | note |" in stdout
    assert report["environment"]["mode"] == "tiny"
    assert report["environment"]["numpy"] == np.__version__
    assert "whole group" not in stdout  # no group crashed


def test_without_torch_the_rows_against_it_are_not_judged(tmp_path):
    stdout, report = run_bench(tmp_path, "--no-torch", "--only", "dispatch,autograd")
    assert report["environment"]["torch"] is None
    rows = report["rows"]
    assert all("torch" not in r["figures"] for r in rows)
    against_torch = [r for r in rows if r["reference"] == "torch"]
    assert against_torch and all(r["status"] in ("n/a", "ERROR") for r in against_torch)
    mlp_vs_numpy = [r for r in rows if r["reference"] == "numpy"]
    assert len(mlp_vs_numpy) == 1 and mlp_vs_numpy[0]["status"] in ("PASS", "MISS", "ERROR")


def test_unknown_group_is_a_usage_error():
    done = subprocess.run([sys.executable, str(BENCH), "--only", "speed"], capture_output=True, text=True)
    assert done.returncode == 2 and "unknown group(s): speed" in done.stderr


# ---------------------------------------------------------------- the NumPy references


def _mlp_inputs(seed=0, n=4, d=5, h=6, k=3):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d)), rng.standard_normal((d, h)), rng.standard_normal((h, k)),
            rng.standard_normal((n, k)))


def test_numpy_mlp_gradients_match_central_differences():
    x, W1, W2, g = _mlp_inputs()
    _, dW1, dW2 = bench.mlp_numpy(x, W1, W2, g)
    eps = 1e-6
    for W, dW, which in ((W1, dW1, 0), (W2, dW2, 1)):
        numeric = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            plus, minus = W.copy(), W.copy()
            plus[idx] += eps
            minus[idx] -= eps
            args_plus = (x, plus, W2) if which == 0 else (x, W1, plus)
            args_minus = (x, minus, W2) if which == 0 else (x, W1, minus)
            numeric[idx] = (bench.mlp_numpy(*args_plus, g)[0] - bench.mlp_numpy(*args_minus, g)[0]) / (2 * eps)
        np.testing.assert_allclose(dW, numeric, rtol=1e-6, atol=1e-8)


def test_numpy_mlp_with_ones_has_zero_gradients():
    # softmax rows sum to 1, so the benchmark's loss is the constant n: its true gradient is 0
    x, W1, W2, _ = _mlp_inputs(seed=1)
    loss, dW1, dW2 = bench.mlp_numpy(x, W1, W2)
    assert loss == pytest.approx(x.shape[0])
    np.testing.assert_allclose(dW1, 0, atol=1e-12)
    np.testing.assert_allclose(dW2, 0, atol=1e-12)


def test_numpy_mlp_agrees_with_tensorsh_autograd():
    from tensorsh import engine

    x, W1, W2, g = _mlp_inputs(seed=2, n=8, d=7, h=9, k=4)
    sides = bench.Sides(use_torch=False)
    loss, dW1, dW2 = bench.mlp_numpy(x, W1, W2, g)
    t_loss, t_dW1, t_dW2 = bench.mlp_tensorsh(engine, sides.tensorsh_softmax(), x, W1, W2, g)
    assert t_dW1.dtype == np.float64
    np.testing.assert_allclose(t_loss, loss, rtol=1e-12)
    np.testing.assert_allclose(t_dW1, dW1, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(t_dW2, dW2, rtol=1e-10, atol=1e-12)


def test_numpy_softmax_is_the_normalised_exponential():
    a = np.array([[0.5, 0.7, 0.1], [1000.0, 1000.0, 0.0]])
    np.testing.assert_allclose(bench.numpy_softmax(a, 1)[0], np.exp(a[0]) / np.exp(a[0]).sum(), rtol=1e-15)
    np.testing.assert_allclose(bench.numpy_softmax(a, 1)[1], [0.5, 0.5, 0.0], atol=1e-300)  # no overflow
    np.testing.assert_allclose(bench.numpy_softmax(a, 0).sum(axis=0), 1.0, rtol=1e-15)


# ---------------------------------------------------------------- the generated language program


def test_language_programs_have_the_requested_statements_and_agree():
    tsh, py = bench.language_programs(200)
    tsh_lines = tsh.splitlines()
    assert len(tsh_lines) == 200
    py_lines = py.splitlines()
    assert py_lines[:2] == ["import torch", "from torch import tensor, relu, exp"]
    # the same statements, but the values shown at the end are printed explicitly
    assert py_lines[2:-2] == tsh_lines[:-2]
    assert py_lines[-2:] == [f"print({v})" for v in tsh_lines[-2:]]


def test_language_program_runs_in_tensorsh_and_matches_numpy():
    from tensorsh.lang.session import Session

    tsh, _ = bench.language_programs(60)
    shown = []
    Session().run(tsh, "program.tsh", display=shown.append)
    # replay the same statements with NumPy (float32) to check the values tensorsh computed
    ns = {"tensor": lambda v: np.array(v, dtype=np.float32), "relu": lambda v: np.maximum(v, 0),
          "exp": np.exp}
    for line in tsh.splitlines()[:-2]:
        line = (line.replace(".abs()", ".__abs__()").replace("a.view(-1)", "a.reshape(-1)")
                .replace("torch.cat([a, b], dim=0).t()", "np.concatenate([a, b], axis=0).T")
                .replace(".sum(dim=1)", ".sum(axis=1)"))
        exec(line, {"np": np}, ns)  # noqa: S102  (our own generated statements)
    np.testing.assert_allclose(shown[0].numpy(), ns["a"], rtol=1e-5)
    np.testing.assert_allclose(shown[1].item(), ns["s"], rtol=1e-5)
