"""`tensorsh doctest FILE` end to end: verdicts, report, --update, exit statuses, JSON.

The synthetic documents' outputs are PyTorch's (2.13, with IPython 9.19 for the layout of
displayed values); the real ones are as their authors ran them (data/README.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tensorsh.notebooks.doctest import check, load
from tensorsh.notebooks.ipynb import NotebookDocument

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = HERE / "data"
SEED = Path("/work/shared/seed/pytorch-basics.md")
if not SEED.exists():
    SEED = ROOT.parent / "shared" / "seed" / "pytorch-basics.md"


def doctest(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "tensorsh", "doctest", *args], capture_output=True, text=True,
                          env=env, timeout=300, cwd=cwd)


def md(*cells: tuple[str, str]) -> str:
    """A Markdown export of code cells and their outputs, laid out as nbconvert 5 did (the seed's)."""
    text = "# A notebook\n\n"
    for source, output in cells:
        text += f"```python\n{source}\n```\n\n"
        if output:
            text += "".join(f"    {line}\n" if line else "\n" for line in output.split("\n")) + "\n"
        text += "\n"
    return text


SYNTHETIC = md(
    ("x = torch.tensor([1, 2])\nx", "tensor([1, 2])"),                      # 1 match
    ("print('sum:', x.sum().item())\nx * 2", "sum: 3\n\n\n\ntensor([2, 4])"),  # 2 match: printed, then value
    ("x + 1", "tensor([5, 5])"),                                            # 3 differ
    ("r = torch.rand(2)\nr", "tensor([0.1234, 0.5678])"),                    # 4 random: drawn here
    ("r * 0", "tensor([0., 0.])"),                                          # 5 match, though random
    ("r + 1", "tensor([1.1234, 1.5678])"),                                  # 6 random: drawn before
    ("torch.ones(2).dot(torch.ones(2, 2))",                                 # 7 error, as the document's
     ("---------------------------------------------------------------------------\n\n"
      "RuntimeError                              Traceback (most recent call last)\n\n"
      "RuntimeError: 1D tensors expected, but got 1D and 2D tensors")),
    ("%matplotlib inline", ""),                                             # 8 skipped
    ("torch.manual_seed(0)\ntorch.rand(2)", "tensor([0.4963, 0.7682])"),     # 9 match: seeded
    ("torch.manual_seed(0)\ntorch.randint(10, (5,))", "tensor([4, 9, 3, 0, 4])"),  # 10 differ: seeded
    ("y = x * 3", ""),                                                      # 11 match: shows nothing
    ("torch.arange(6).reshape(2, 3), torch.Size([2, 3])",                   # 12 match: IPython's layout
     "(tensor([[0, 1, 2],\n         [3, 4, 5]]),\n torch.Size([2, 3]))"),
    ("x.mm(x)", "tensor([1, 2])"),                                          # 13 differ: an error not shown
    ("torch.ones(2)", "tensor([1., 1.], device='cuda:0')"),                 # 14 platform: a GPU's
)
STATUSES = ["match", "match", "differ", "random", "match", "random", "error", "skipped", "match", "differ",
            "match", "match", "differ", "platform"]


@pytest.fixture
def synthetic(tmp_path):
    path = tmp_path / "synthetic.md"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return path


def test_each_cell_gets_its_verdict(synthetic):
    verdicts, _ = check(load(str(synthetic)).cells)
    assert [v.status for v in verdicts] == STATUSES
    assert verdicts[6].reason == "RuntimeError: 1D tensors expected, but got 1D and 2D tensors"
    assert verdicts[7].reason == "IPython magic %matplotlib"
    assert verdicts[12].reason == "tensorsh raised RuntimeError: self must be a matrix"


def test_the_plain_report_has_a_line_per_cell_a_diff_where_one_differs_and_the_counts(synthetic):
    result = doctest(str(synthetic))
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert result.stderr == ""
    assert lines[0] == f"{synthetic}:4: cell 1: match"
    assert f"{synthetic}:24: cell 3: differ" in lines
    at = lines.index(f"{synthetic}:24: cell 3: differ")
    assert lines[at + 1:at + 6] == ["    --- document", "    +++ tensorsh", "    @@ -1 +1 @@",
                                    "    -tensor([5, 5])", "    +tensor([2, 3])"]
    assert lines[-1] == "6 match, 3 differ, 2 random, 1 error, 1 platform, 1 skipped"
    assert "\x1b[" not in result.stdout  # no colour into a pipe


def test_json_is_one_object_per_cell_then_the_counts(synthetic):
    result = doctest("--format", "json", str(synthetic))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert [r["status"] for r in records[:-1]] == STATUSES
    assert records[2] == {"type": "cell", "file": str(synthetic), "cell": 3, "status": "differ", "reason": "",
                          "line": 24, "expected": "tensor([5, 5])", "actual": "tensor([2, 3])",
                          "diff": "--- document\n+++ tensorsh\n@@ -1 +1 @@\n-tensor([5, 5])\n+tensor([2, 3])"}
    assert records[-1] == {"type": "summary", "file": str(synthetic), "match": 6, "differ": 3, "random": 2,
                           "error": 1, "platform": 1, "skipped": 1}


def test_update_writes_the_outputs_and_the_document_then_matches(synthetic):
    result = doctest("--update", str(synthetic))
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "updated 6 cells in " + str(synthetic)
    assert not [p for p in synthetic.parent.iterdir() if p.name.startswith(".doctest-")]  # no temporary left
    again = doctest("--format", "json", str(synthetic))
    summary = json.loads(again.stdout.splitlines()[-1])
    assert again.returncode == 0
    assert (summary["differ"], summary["error"]) == (0, 2)  # x.mm(x) now shows its error too
    text = synthetic.read_text(encoding="utf-8")
    assert "    tensor([2, 3])\n" in text and "    RuntimeError: self must be a matrix\n" in text
    assert "    sum: 3\n" in text  # cells that matched keep their text


def test_update_round_trip_on_a_notebook(tmp_path):
    path = tmp_path / "exercises.ipynb"
    path.write_bytes((DATA / "00_pytorch_fundamentals_exercise_solutions.ipynb").read_bytes())
    assert doctest("--update", str(path)).returncode == 0
    again = doctest("--format", "json", str(path))
    assert again.returncode == 0, again.stdout
    summary = json.loads(again.stdout.splitlines()[-1])
    assert summary["differ"] == 0
    # Cells the document showed as tensorsh does are written as they were.
    before = NotebookDocument((DATA / "00_pytorch_fundamentals_exercise_solutions.ipynb").read_text()).cells
    after = NotebookDocument(path.read_text()).cells
    assert [c.source for c in before] == [c.source for c in after]
    assert before[0].shown == after[0].shown


def test_the_seed_notebook_matches():
    result = doctest(str(SEED))
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout
    assert lines[-1] == "36 match, 0 differ, 18 random, 2 error, 1 platform, 1 skipped"
    assert f"{SEED}:577: cell 41: error: RuntimeError: 1D tensors expected, but got 2D and 2D tensors" in lines
    assert f"{SEED}:607: cell 43: error: RuntimeError: self must be a matrix" in lines
    assert lines[0] == f"{SEED}:17: cell 1: skipped: IPython magic pip (pip install torch torchvision torchaudio)"
    # NumPy's default integer was int32 where the notebook ran (win_amd64 in its pip output).
    assert lines[2].startswith(f"{SEED}:62: cell 3: platform: ")


# Cells of the real notebooks that cannot match, each with why (see data/README.md); every
# other cell matches, or is random or skipped.
FUNDAMENTALS_DIFFER = {
    1: "language: torch.__version__ (names starting with '_' are refused)",
}
FUNDAMENTALS_ON_A_GPU = {71, 72, 73, 74, 75, 77, 78, 80}  # recorded on CUDA or MPS, or asking: platform


@pytest.mark.parametrize("name", ["00_pytorch_fundamentals.ipynb", "00_pytorch_fundamentals.md"])
def test_a_real_tutorial_matches_but_where_tensorsh_or_the_machine_lacks_something(name):
    result = doctest("--format", "json", str(DATA / name))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    differ = {r["cell"] for r in records[:-1] if r["status"] == "differ"}
    assert differ == set(FUNDAMENTALS_DIFFER)
    assert {r["cell"] for r in records[:-1] if r["status"] == "platform"} == FUNDAMENTALS_ON_A_GPU
    assert {r["cell"] for r in records[:-1] if r["status"] == "error"} == {37}
    assert records[-1]["match"] == 65
    assert result.returncode == 1


def test_a_colab_notebook_laid_out_by_an_older_ipython_matches():
    # IPython 7.9 (Colab's) kept `(tensor(...), torch.Size([7, 1]))` on one line at its end.
    result = doctest("--format", "json", str(DATA / "00_pytorch_fundamentals_exercise_solutions.ipynb"))
    records = {r["cell"]: r for r in map(json.loads, result.stdout.splitlines()[:-1])}
    assert records[4]["status"] == "match"
    assert {c for c, r in records.items() if r["status"] == "differ"} == set()
    assert {c for c, r in records.items() if r["status"] == "platform"} == {6, 7, 8, 9}  # recorded on CUDA


@pytest.mark.parametrize("args,status,message", [
    (["/nonexistent/notebook.md"], 2, "tensorsh doctest: can't read '/nonexistent/notebook.md'"),
    ([], 2, "Missing argument 'FILE'"),
    (["--format", "rich", "x.md"], 2, "Invalid value for '--format'"),
])
def test_usage_errors_exit_2(args, status, message):
    result = doctest(*args)
    assert result.returncode == status
    assert message in result.stderr


def test_a_broken_notebook_exits_2(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json", encoding="utf-8")
    result = doctest(str(path))
    assert result.returncode == 2 and "can't read" in result.stderr


def test_help_names_the_verdicts_and_the_options():
    result = doctest("--help")
    assert result.returncode == 0
    for word in ("match", "differ", "random", "error", "skipped", "--update", "--format", "Exit status"):
        assert word in result.stdout


def test_update_fills_a_notebook_saved_without_outputs(tmp_path):
    path = tmp_path / "cleared.ipynb"
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
             for source in (["x = torch.tensor([1, 2])\n", "x"], ["print(x.sum())"])]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert json.loads(doctest("--format", "json", str(path)).stdout.splitlines()[-1])["skipped"] == 2
    assert doctest("--update", str(path)).returncode == 0
    written = json.loads(path.read_text())["cells"]
    assert written[0]["outputs"] == [{"data": {"text/plain": ["tensor([1, 2])"]}, "execution_count": 1,
                                      "metadata": {}, "output_type": "execute_result"}]
    assert written[1]["outputs"] == [{"name": "stdout", "output_type": "stream", "text": ["tensor(3)\n"]}]
    assert doctest(str(path)).stdout.splitlines()[-1] == "2 match, 0 differ, 0 random, 0 error"


def test_a_cell_that_differs_after_an_unexpected_error_says_so():
    # The cheatsheet's cells 20-33 build layers tensorsh lacks (nn.Conv3d, nn.Transformer), whose
    # construction draws from the seeded generator in PyTorch: the weights of cell 36's model differ.
    result = doctest("--format", "json", str(DATA / "pytorch_cheatsheet.ipynb"))
    records = {r["cell"]: r for r in map(json.loads, result.stdout.splitlines()[:-1])}
    assert records[36]["status"] == "differ"
    assert records[36]["reason"] == "after cell 33, which raised an error the document does not show"
    assert records[33]["reason"] == "tensorsh raised AttributeError: module 'torch.nn' has no attribute 'Transformer'"
