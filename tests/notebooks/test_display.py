"""IPython's display rule and pretty printer (tensorsh.notebooks.display).

The pretty printer's expected texts are IPython's own, recorded with PyTorch by
record_pretty.py into data/pretty.json: today's IPython, and IPython 7.9's layout.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from pathlib import Path

import pytest

from tensorsh.lang.session import Session
from tensorsh.notebooks.display import pretty

RECORDED = json.loads((Path(__file__).parent / "data" / "pretty.json").read_text(encoding="utf-8"))


def _value(source: str):
    """The value of the program's last line, as a tensorsh session computes it."""
    session = Session()
    *body, last = source.splitlines()
    session.run("import torch\nimport numpy as np\nfrom torch import nn\n" + "\n".join(body))
    values = []
    session.run(last, display=values.append)
    return values[-1]


@pytest.mark.parametrize("record", RECORDED, ids=[r["source"].splitlines()[-1][:40] for r in RECORDED])
def test_pretty_prints_tensorsh_values_as_ipython_prints_pytorch_values(record):
    value = _value(record["source"])
    assert pretty(value) == record["ipython"]
    assert pretty(value, legacy=True) == record["ipython_7_9"]


@pytest.mark.parametrize("value,text", [
    (None, "None"),
    ((), "()"),
    ({}, "{}"),
    ([[]], "[[]]"),
    (OrderedDict(), "OrderedDict()"),
    ("a'b", repr("a'b")),
])
def test_pretty_of_small_values_is_their_repr(value, text):
    # IPython prints these as Python's repr (checked with IPython 9.19).
    assert pretty(value) == text


def test_a_container_that_holds_itself_prints_dots():
    loop: list = [1]
    loop.append(loop)
    assert pretty(loop) == "[1, [...]]"  # IPython: [1, [...]]


