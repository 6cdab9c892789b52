"""Reading and writing the two document formats (tensorsh.notebooks.markdown, .ipynb).

data/layout.ipynb is a small notebook made with nbformat; data/layout.md and
data/layout-empty.md are what nbconvert 7.17 exports of it, with its outputs and without.
The other documents are real: see data/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tensorsh.notebooks.cells import Error, Shown
from tensorsh.notebooks.ipynb import NotebookDocument
from tensorsh.notebooks.markdown import MarkdownDocument, indent, normalized, shown_by

DATA = Path(__file__).parent / "data"
SEED = Path("/work/shared/seed/pytorch-basics.md")
if not SEED.exists():
    SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "pytorch-basics.md"


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- Markdown


def test_the_seed_notebook_has_its_code_cells_with_their_lines_and_outputs():
    document = MarkdownDocument(SEED.read_text(encoding="utf-8"))
    cells = document.cells
    assert len(cells) == 58
    assert (cells[0].line, cells[0].source) == (17, "pip install torch torchvision torchaudio")
    assert cells[1].line == 47 and cells[1].source.startswith("import numpy as np\nimport torch\n")
    assert cells[1].shown.printed == "[[0 1 2 3 4]\n [5 6 7 8 9]]\ndim:  2 , shape:  (2, 5)"
    assert cells[1].shown.error is None and cells[1].shown.mixed
    assert normalized(cells[2].shown.printed) == "tensor([[ 3,  5],\n        [10,  5]], dtype=torch.int32)"


@pytest.mark.parametrize("number,line,message", [
    (41, 577, "1D tensors expected, but got 2D and 2D tensors"),
    (43, 607, "self must be a matrix"),
])
def test_the_seed_notebooks_tracebacks_give_their_errors(number, line, message):
    cell = MarkdownDocument(SEED.read_text(encoding="utf-8")).cells[number - 1]
    assert cell.line == line
    assert cell.shown.error == Error("RuntimeError", message)
    assert normalized(cell.shown.printed) == ""  # the traceback is not printed text


def test_a_cell_without_output_shows_nothing():
    cell = MarkdownDocument(read("layout.md")).cells[1]
    assert (cell.source, cell.shown) == ("x = 1", Shown(mixed=True))


def test_warnings_on_stderr_are_left_out():
    # Cell 18 of 00_pytorch_fundamentals: torch.range's UserWarning, then the value.
    cell = MarkdownDocument(read("00_pytorch_fundamentals.md")).cells[17]
    assert normalized(cell.shown.printed) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"


def test_an_export_and_its_notebook_hold_the_same_cells():
    exported = MarkdownDocument(read("00_pytorch_fundamentals.md")).cells
    notebook = NotebookDocument(read("00_pytorch_fundamentals.ipynb")).cells
    assert [c.source for c in exported] == [c.source for c in notebook]
    for md, nb in zip(exported, notebook):
        assert md.shown.error == nb.shown.error
        joined = nb.shown.printed + "\n" + (nb.shown.result or "")
        assert normalized(md.shown.printed) == normalized(joined), md.number


def test_indent_is_nbconverts():
    assert indent("a\n") == "    a\n"
    assert indent("a\nb") == "    a\n    b"
    assert indent("a\n\nb") == "    a\n    \n    b"


def test_written_outputs_are_what_nbconvert_writes():
    outputs = {
        1: Shown(printed="a\n", result="tensor([1,\n        2])"),
        3: Shown(result="2"),
        4: Shown(printed="a\nb", error=Error("ZeroDivisionError", "division by zero", line=2)),
        5: Shown(result="3\n\n4"),
    }
    assert MarkdownDocument(read("layout-empty.md")).updated(outputs) == read("layout.md")


def test_writing_what_was_read_changes_nothing_else():
    document = MarkdownDocument(read("layout.md"))
    assert document.updated({}) == read("layout.md")
    again = MarkdownDocument(document.updated({3: Shown(result="20")}))
    assert [c.shown for c in again.cells if c.number != 3] == [c.shown for c in document.cells if c.number != 3]
    assert normalized(again.cells[2].shown.printed) == "20"


def test_a_written_error_reads_back_as_that_error():
    shown = shown_by("\n    ---------------------------------------------------------------------------\n\n"
                     "    KeyError                                  Traceback (most recent call last)\n\n"
                     "    KeyError: 'x'\n")
    assert shown.error == Error("KeyError", "'x'")


# ---------------------------------------------------------------- .ipynb


def test_a_notebook_keeps_each_kind_of_output_apart():
    cells = NotebookDocument(read("layout.ipynb")).cells
    assert cells[0].shown == Shown(printed="a\n", result="tensor([1,\n        2])")
    assert not cells[1].executed
    assert cells[3].shown == Shown(printed="a\nb", error=Error("ZeroDivisionError", "division by zero"))


def test_stderr_is_not_printed_text():
    cell = NotebookDocument(read("00_pytorch_fundamentals.ipynb")).cells[17]
    assert (cell.shown.printed, cell.shown.result) == ("", "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])")


def test_a_notebook_written_back_keeps_everything_but_the_outputs():
    text = read("layout.ipynb")
    document = NotebookDocument(text)
    before = json.loads(text)
    after = json.loads(document.updated({3: Shown(result="20")}))
    assert after["metadata"] == before["metadata"] and after["nbformat"] == before["nbformat"]
    assert after["cells"][3]["outputs"] == [
        {"data": {"text/plain": ["20"]}, "execution_count": 3, "metadata": {}, "output_type": "execute_result"}]
    for index in (0, 1, 2, 4, 5, 6):
        assert after["cells"][index] == before["cells"][index]


def test_a_written_notebook_reads_back_as_written():
    document = NotebookDocument(read("layout.ipynb"))
    outputs = {1: Shown(printed="p\nq\n", result="r"), 2: Shown(printed="s"),
               4: Shown(error=Error("RuntimeError", "bad\nworse", line=2))}
    again = NotebookDocument(document.updated(outputs))
    for number, shown in outputs.items():
        assert again.cells[number - 1].shown == shown
    assert again.cells[1].executed  # it has run now


def test_something_not_a_notebook_is_refused():
    with pytest.raises(ValueError):
        NotebookDocument("[1, 2]")


@pytest.mark.parametrize("text,source,printed", [
    ("```python\nx = 1\n", "x = 1", ""),  # a fence never closed ends with the document
    ("```python\r\nx = 1\r\nx\r\n```\r\n\r\n    1\r\n", "x = 1\r\nx", "1"),  # Windows line ends
    ("```py\nx\n```\n\n\t1\n\ntext\n\n    not output\n", "x", "1"),  # a tab indents too; text ends it
])
def test_odd_exports_still_read(text, source, printed):
    (cell,) = MarkdownDocument(text).cells
    assert (cell.source, cell.shown.printed) == (source, printed)
