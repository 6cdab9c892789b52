"""scripts/bench.py: it runs end to end on tiny sizes, and its hand-written NumPy references are right.

No timing is asserted here (issue 7): only that every row of the issue is produced,
judged against its goal, that no row is ERROR (a side that failed, printed the wrong
thing or crashed its group), and that the NumPy baselines compute what they claim.
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


def assert_no_error_row(report):
    """The bench goes on past a failing row (it shows ERROR and why); a test must not."""
    errors = [r for r in report["rows"] if r["status"] == "ERROR"]
    if errors:
        pytest.fail(f"{len(errors)} of {len(report['rows'])} bench rows are ERROR:\n" + "\n".join(
            f"  [{r['group']}] {r['name']}: {r['note'] or '(no note)'}" for r in errors), pytrace=False)


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
    # 2 start-up refs and the REPL's time to its prompt; 7 ops + geomean; run, rate, prepare share, pure-Python loop, polynomial fit twice;
    # scalar + MLP twice; matmul per size and dtype + exp, fma, sum, randn; memory; training step (SGD, Adam)
    # against NumPy and PyTorch, conv, LSTM, training script.
    assert {g: len(r) for g, r in per_group.items()} == {
        "1 start-up": 3, "2 dispatch (3,5) f32": 8, "3 language": 6, "4 autograd": 3,
        "5 large ops": 2 * len(bench.TINY.matmul_sizes) + 4, "6 memory": 1, "7 nn": 7,
    }
    goals = [(r["reference"], r["goal"]) for r in rows if r["goal"] is not None]
    assert ("numpy", 1.4) in goals and ("numpy", 1.2) in goals and ("torch", 0.15) in goals and ("torch", 0.8) in goals
    assert ("torch", 0.3) in goals and ("alloc", 1.05) in goals and ("torch", 2.0) in goals
    assert goals.count(("numpy", 1.15)) == 2 and ("torch", 0.5) in goals and ("torch", 3.0) in goals
    assert all(r["status"] in STATUSES for r in rows)


def test_tiny_run_has_no_error_row(tiny_run):
    _, report = tiny_run
    assert_no_error_row(report)


def test_tiny_run_judges_each_ratio_against_its_goal(tiny_run):
    _, report = tiny_run
    for row in report["rows"]:
        if row["status"] in ("PASS", "MISS"):
            assert (row["ratio"] <= row["goal"]) == (row["status"] == "PASS"), row
        geomean = row["name"] == "geometric mean of the ops"
        if row["status"] in ("PASS", "MISS") and row["reference"] in ("numpy", "torch") and not geomean:
            # the ratio is the median of paired ratios of the two sides' samples
            mine, theirs = row["samples"]["tensorsh"], row["samples"][row["reference"]]
            assert len(mine) == len(theirs) >= 1
            assert row["ratio"] == pytest.approx(float(np.median(np.divide(mine, theirs))))


def test_tiny_run_has_the_evaluator_rows_and_none_failed(tiny_run):
    _, report = tiny_run
    rows = {r["name"]: r for r in report["rows"] if r["group"] == "3 language"}
    prepare = next(r for name, r in rows.items() if "Session.prepare" in name)
    loop = next(r for name, r in rows.items() if name.startswith("evaluator: pure-Python loop"))
    on_engine = rows["polynomial fit (autograd tutorial), per step, vs CPython running it on tensorsh.engine"]
    on_torch = rows["polynomial fit (autograd tutorial), per step, vs CPython + PyTorch"]
    for row in (prepare, loop, on_engine, on_torch):
        assert row["status"] != "ERROR", row
    assert f"range({bench.TINY.loop_n})" not in loop["name"]  # shown as a power of ten
    assert (loop["reference"], loop["goal"]) == ("python", 10.0)
    assert (on_engine["reference"], on_engine["goal"]) == ("engine", 1.1)
    assert (on_torch["reference"], on_torch["goal"]) == ("torch", None)
    # each side's samples: one per round, paired with the reference's
    for row, ref in ((loop, "python"), (on_engine, "engine")):
        assert len(row["samples"]["tensorsh"]) == len(row["samples"][ref]) >= 1
    assert len(on_engine["samples"]["engine"]) == bench.TINY.poly_rounds
    if report["environment"]["torch"] is not None:
        assert on_torch["status"] == "INFO"
        assert len(on_torch["samples"]["torch"]) == bench.TINY.poly_rounds


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
    stdout, report = run_bench(tmp_path, "--no-torch", "--only", "dispatch,language,autograd")
    assert report["environment"]["torch"] is None
    assert_no_error_row(report)
    rows = report["rows"]
    assert all("torch" not in r["figures"] for r in rows)
    against_torch = [r for r in rows if r["reference"] == "torch"]
    assert against_torch and all(r["status"] == "n/a" for r in against_torch)
    mlp_vs_numpy = [r for r in rows if r["reference"] == "numpy"]
    assert len(mlp_vs_numpy) == 1 and mlp_vs_numpy[0]["status"] in ("PASS", "MISS")
    # the rows against CPython itself and against the bare engine do not need torch
    for ref in ("python", "engine"):
        row = next(r for r in rows if r["reference"] == ref)
        assert row["status"] in ("PASS", "MISS"), row


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


def _classifier_inputs(seed=0, n=6, d=5, h=7, k=3):
    rng = np.random.default_rng(seed)
    params = [w.astype(np.float64) for w in bench.classifier_weights(d, h, k, seed=seed)]
    return params, rng.standard_normal((n, d)), rng.integers(0, k, n)


def test_numpy_classifier_gradients_match_central_differences():
    params, x, y = _classifier_inputs()
    _, grads = bench.classifier_numpy(params, x, y)
    eps = 1e-6
    for which, (p, dp) in enumerate(zip(params, grads)):
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            plus = [q.copy() for q in params]
            minus = [q.copy() for q in params]
            plus[which][idx] += eps
            minus[which][idx] -= eps
            numeric[idx] = (bench.classifier_numpy(plus, x, y)[0] - bench.classifier_numpy(minus, x, y)[0]) / (2 * eps)
        np.testing.assert_allclose(dp, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_numpy_training_step_is_pytorchs(optimizer):
    torch = pytest.importorskip("torch")
    params, x, y = _classifier_inputs(seed=1)
    model = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.ReLU(), torch.nn.Linear(7, 3)).double()
    with torch.no_grad():
        for p, w in zip(model.parameters(), params):
            p.copy_(torch.from_numpy(w))
    opt = torch.optim.SGD(model.parameters(), lr=bench.SGD_LR) if optimizer == "SGD" \
        else torch.optim.Adam(model.parameters(), **bench.ADAM)
    adam = bench.AdamNumpy(params, **bench.ADAM)
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        opt.step()
        np_loss, grads = bench.classifier_numpy(params, x, y)
        bench.sgd_numpy(params, grads) if optimizer == "SGD" else adam.step(params, grads)
        assert np_loss == pytest.approx(loss.item(), rel=1e-12)
    for p, w in zip(model.parameters(), params):
        np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_nn_script_is_the_same_program_for_both_sides():
    src = bench.nn_script(bench.FULL, 200)
    assert "for step in range(200):" in src and "torch.optim.SGD(model.parameters(), lr=0.1)" in src
    assert "nn.Linear(784, 128)" in src and "nn.Linear(128, 10)" in src and "reshape(64, 784)" in src
    assert "randn" not in src and "rand(" not in src  # both sides start from the same numbers


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


# ---------------------------------------------------------------- the evaluator's programs


def test_loop_program_gives_the_same_sum_in_tensorsh_and_python():
    from tensorsh.lang.session import Session

    src = bench.loop_program(1000)
    shown, space = [], {}
    Session().run(src, "loop.py", display=shown.append)
    exec(compile(src, "loop.py", "exec"), space)  # noqa: S102  (our own program)
    assert shown == [space["s"]] == [sum(i * i for i in range(1000))]
    assert bench.loop_name(10**6).endswith("range(10**6)") and bench.loop_name(300).endswith("range(300)")


def test_polyfit_program_is_the_tutorial_with_its_step_count_seeded():
    src = bench.polyfit_program(250)
    assert "STEPS" not in src and "for t in range(250):" in src
    assert src.count("torch.randn((), dtype=dtype, requires_grad=True)") == 4
    # the one line added to the tutorial seeds it, before its first draw
    assert [line for line in src.splitlines() if line not in bench.POLY_PROGRAM.splitlines()] == \
        ["torch.manual_seed(0);  # no echo of the generator in tensorsh", "for t in range(250):"]
    assert src.index("torch.manual_seed(0)") < src.index("torch.randn")


def test_polyfit_runs_the_same_in_tensorsh_and_on_the_bare_engine(tmp_path):
    from tensorsh.lang.session import Session

    path = tmp_path / "polyfit.py"
    path.write_text(bench.polyfit_program(200))
    runner = tmp_path / "run_on_engine.py"
    runner.write_text(bench.ENGINE_RUNNER.format(repo=str(ROOT)))
    done = subprocess.run([sys.executable, str(runner), str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done_tsh = subprocess.run(bench.tensorsh_executable() + [str(path)], capture_output=True, text=True,
                              timeout=120)
    assert done_tsh.returncode == 0, done_tsh.stderr
    lines = done_tsh.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["99", "199"] and lines[-1].startswith("Result: y = ")
    assert bench.polyfit_outputs_agree(done_tsh.stdout, done.stdout, rtol=1e-6, atol=0.0)
    printed = []
    Session(write=printed.append).run(bench.polyfit_program(200), "polyfit.py")
    assert len("".join(printed).splitlines()) == 3
    assert not bench.polyfit_outputs_agree(done.stdout, done.stdout.replace("Result", "199 1.5\nResult"),
                                           rtol=1e-6, atol=0.0)
    assert bench.first_difference("99 1.5\n199 2.0\n", "99 1.5\n199 2.5\n") == "line 2: '199 2.0' vs '199 2.5'"


def test_polyfit_agrees_with_pytorch():
    pytest.importorskip("torch")
    assert bench.polyfit_check_against_torch(200) is None
