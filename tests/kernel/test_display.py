"""A value's execute_result bundle: PyTorch's text as text/plain; for tensors and arrays, the
REPL's rich display (header above the same text) as text/html."""

from __future__ import annotations

import html
import re

import pytest

from tensorsh.kernel.display import bundle
from tensorsh.lang.session import Session


def value(source: str):
    shown = []
    Session().run(source, "<t>", shown.append)
    return shown[-1]


@pytest.mark.parametrize("source, text, header", [
    ("torch.tensor([1., 2.]) * 2", "tensor([2., 4.])", "shape (2,) · float32 · cpu"),
    ("torch.tensor([[1., -2.], [float('nan'), 4.]])", "tensor([[ 1., -2.],\n        [nan,  4.]])",
     "shape (2, 2) · float32 · cpu"),
    ("np.array(['<b>&'])", "array(['<b>&'], dtype='<U4')", "shape (1,) · numpy <U4"),
])
def test_tensors_and_arrays_have_the_repr_and_the_rich_display(source, text, header):
    data = bundle(value(source))
    assert data["text/plain"] == text
    page = data["text/html"]
    assert page.startswith("<pre>") and page.endswith("</pre>")
    assert "<b>" not in page  # the text is escaped
    assert html.unescape(re.sub(r"<[^>]*>", "", page)) == f"{header}\n{text}\n"


def test_negative_numbers_and_nan_are_coloured():
    page = bundle(value("torch.tensor([-1., float('nan')])"))["text/html"]
    assert ">-1.</span>" in page and ">nan</span>" in page


@pytest.mark.parametrize("source, text", [("3", "3"), ("[1, -2]", "[1, -2]"), ("'s'", "'s'"),
                                          ("torch.float32", "torch.float32")])
def test_other_values_show_their_repr_alone(source, text):
    assert bundle(value(source)) == {"text/plain": text}
