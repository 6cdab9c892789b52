"""The Pygments lexer: token kinds of each construct, lossless, and no error token on valid programs."""

from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, String

from tensorsh.repl.lexer import TensorshLexer

CELLS = Path(__file__).with_name("notebook_cells.tsh")


def tokens(text):
    return [(kind, value) for kind, value in TensorshLexer().get_tokens(text) if value.strip()]


def kind_of(text, value):
    return next(kind for kind, v in tokens(text) if v == value)


@pytest.mark.parametrize("text, value, kind", [
    ("import torch.nn.functional as F", "import", Keyword),
    ("import torch.nn.functional as F", "as", Keyword),
    ("import numpy as np", "np", Name.Namespace),
    ("x = F.softmax(t, dim=0)", "softmax", Name.Attribute),
    ("x = softmax(t, dim=0)", "softmax", Name.Function),
    ("x = len(t)", "len", Name.Builtin),
    ("t.to(dtype=float32)", "float32", Keyword.Type),
    ("x = None", "None", Keyword.Constant),
    ("t[..., 0]", "...", Keyword.Constant),
    ("x = 1_000", "1_000", Number.Integer),
    ("x = 1e-3", "1e-3", Number.Float),
    ("x = .5", ".5", Number.Float),
    ("x = 0x1F", "0x1F", Number.Hex),
    ("x = 2j", "2j", Number.Float),
    ("x = a @ b", "@", Operator),
    ("x **= 2", "**=", Operator),
    ("x = 1  # note", "# note", Comment.Single),
    (":help softmax", ":help", Keyword.Pseudo),
    ("yield x", "yield", Error),
    ("async def f(): pass", "async", Error),
])
def test_token_kinds(text, value, kind):
    assert kind_of(text, value) in kind


def test_strings_of_every_quoting():
    for text in ['"a"', "'a'", 'r"a\\b"', '"""a\nb"""', "'''a'''", "u'x'"]:
        kinds = {kind for kind, _ in tokens(text)}
        assert all(kind in String for kind in kinds), (text, kinds)


def test_a_name_ending_in_a_keyword_is_a_name():
    assert kind_of("x = band", "band") is Name
    assert kind_of("x = imported", "imported") is Name


def notebook_cells():
    """The tutorial's code cells (copied from shared/seed/pytorch-basics.md)."""
    import re

    parts = re.split(r"^# %% cell \d+\n", CELLS.read_text(encoding="utf-8"), flags=re.M)
    return [part for part in parts[1:]]


def test_every_notebook_cell_lexes_without_error_tokens_and_losslessly():
    cells = notebook_cells()
    assert len(cells) > 40
    for cell in cells:
        pairs = list(TensorshLexer().get_tokens_unprocessed(cell))
        assert "".join(v for _, _, v in pairs) == cell
        errors = [v for _, kind, v in pairs if kind in Error]
        assert not errors, (cell, errors)


def test_lexer_metadata_for_pygments_registration():
    assert TensorshLexer.name == "tensorsh"
    assert "tsh" in TensorshLexer.aliases
    assert TensorshLexer.filenames == ["*.tsh"]


def test_registered_with_pygments_by_name_and_file_extension():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename

    from tensorsh.repl.lexer import TensorshLexer

    assert isinstance(get_lexer_by_name("tensorsh"), TensorshLexer)
    assert isinstance(get_lexer_for_filename("notebook.tsh"), TensorshLexer)
