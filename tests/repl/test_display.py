"""How values look in the REPL: header, colour spans, plain and JSON forms."""

import io
import json

import numpy
import pytest

from tensorsh import engine as torch
from tensorsh.repl.display import NEGATIVE_STYLE, SPECIAL_STYLE, Printer, as_json, plain, styled


def spans(text, style):
    """The substrings of a rich Text carrying `style`."""
    return [text.plain[s.start:s.end] for s in text.spans if str(s.style) == style]


def test_tensor_header_then_pytorch_repr():
    t = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    text = styled(t)
    header, body = text.plain.split("\n", 1)
    assert header == "shape (2, 3) · float32 · cpu"
    assert body == "tensor([[1., 2., 3.],\n        [4., 5., 6.]])"
    assert spans(text, "dim") == [header]


def test_header_shows_requires_grad_or_grad_fn():
    w = torch.tensor(2.0, requires_grad=True)
    assert styled(w).plain.split("\n")[0] == "shape () · float32 · cpu · requires_grad"
    z = 10 * w + 2
    assert styled(z).plain == "shape () · float32 · cpu · grad_fn=AddBackward0\ntensor(22., grad_fn=<AddBackward0>)"


def test_integer_tensor_header_names_its_dtype():
    t = torch.tensor([3, 5])
    assert styled(t).plain == "shape (2,) · int64 · cpu\ntensor([3, 5])"


def test_negative_numbers_are_coloured_not_exponents_or_operators():
    t = torch.tensor([[-1.5, 2.0], [3.0, -0.25]])
    assert spans(styled(t), NEGATIVE_STYLE) == ["-1.5000", "-0.2500"]
    small = torch.tensor([1e-5, -2e-5])
    assert spans(styled(small), NEGATIVE_STYLE) == ["-2.0000e-05"]
    assert spans(styled(torch.tensor([1, 2])), NEGATIVE_STYLE) == []


def test_nan_and_inf_are_coloured():
    t = torch.tensor([float("nan"), float("inf"), -float("inf"), 1.0])
    assert spans(styled(t), SPECIAL_STYLE) == ["nan", "inf", "-inf"]


def test_strings_are_never_coloured():
    assert spans(styled("-1 nan"), NEGATIVE_STYLE) == [] and spans(styled("-1 nan"), SPECIAL_STYLE) == []


@pytest.mark.parametrize("value, text", [
    (torch.Size([3, 5]), "torch.Size([3, 5])"),
    (torch.float64, "torch.float64"),
    ((1, 2), "(1, 2)"),
    (torch.device("cpu"), "device(type='cpu')"),
])
def test_other_values_print_their_repr_without_header(value, text):
    assert styled(value).plain == text
    assert plain(value) == text


def test_numpy_arrays_print_numpy_repr_under_a_header():
    array = numpy.arange(10).reshape(2, 5)
    assert styled(array).plain == ("shape (2, 5) · numpy int64\n"
                                   "array([[0, 1, 2, 3, 4],\n       [5, 6, 7, 8, 9]])")


def test_plain_is_the_bare_repr():
    t = torch.tensor([[1, 2], [3, 4]])
    assert plain(t) == "tensor([[1, 2],\n        [3, 4]])"


def test_json_form():
    t = torch.tensor([[1.0, -2.0]])
    assert json.loads(as_json(t)) == {"type": "tensor", "shape": [1, 2], "dtype": "float32", "device": "cpu",
                                      "requires_grad": False, "data": [[1.0, -2.0]]}


def test_printer_formats_and_switching():
    out = io.StringIO()
    printer = Printer("plain", color=False, file=out)
    t = torch.tensor([1, 2])
    printer.show(t)
    printer.fmt = "json"
    printer.show(t)
    printer.fmt = "rich"
    printer.show(t)
    assert out.getvalue().splitlines() == [
        "tensor([1, 2])",
        json.dumps({"type": "tensor", "shape": [2], "dtype": "int64", "device": "cpu", "requires_grad": False,
                    "data": [1, 2]}),
        "shape (2,) · int64 · cpu",
        "tensor([1, 2])",
    ]


def test_rich_printer_in_colour_writes_ansi_and_does_not_rewrap():
    out = io.StringIO()
    printer = Printer("rich", color=True, file=out)
    t = torch.arange(40.0) - 20
    printer.show(t)
    written = out.getvalue()
    assert "\x1b[2m" in written  # the dim header
    assert "\x1b[31m-20.\x1b[0m" in written  # a red negative number
    import re

    lines = re.sub(r"\x1b\[[0-9;]*m", "", written).splitlines()
    assert lines[1:] == repr(t).splitlines()  # PyTorch's own line breaks, untouched


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        Printer("fancy")
