"""describe: the header line and the JSON object of values."""

from __future__ import annotations

import json

import numpy

from tensorsh.lang.describe import summary, to_json
from tensorsh.lang.session import Session


def value(source: str):
    shown = []
    Session().run(source, "<t>", shown.append)
    return shown[-1]


def test_summary_of_tensors_and_arrays():
    assert summary(value("torch.zeros(2, 3)")) == "shape (2, 3) · float32 · cpu"
    assert summary(value("torch.tensor(1.5, dtype=torch.float64)")) == "shape () · float64 · cpu"
    assert summary(value("torch.ones(2, requires_grad=True)")) == "shape (2,) · float32 · cpu · requires_grad"
    assert summary(value("torch.ones(2, requires_grad=True).sum()")) == "shape () · float32 · cpu · grad_fn=SumBackward0"
    assert summary(numpy.zeros((2, 2), dtype=numpy.int32)) == "shape (2, 2) · numpy int32"
    assert summary(3) is None and summary([1]) is None


def test_json_is_valid_json_for_awkward_values():
    objects = [
        to_json(value("torch.tensor([1 + 2j, 0j])")),
        to_json(value("torch.tensor([float('inf'), -float('inf'), 1.0])")),
        to_json(value("torch.zeros(2, 3).shape")),
        to_json(value("torch.float32")),
        to_json((1, "a", None)),
        to_json(numpy.float64(0.5)),
        to_json(True),
    ]
    assert json.loads(json.dumps(objects, allow_nan=False)) == [
        {"type": "tensor", "shape": [2], "dtype": "complex64", "device": "cpu", "requires_grad": False,
         "data": [[1.0, 2.0], [0.0, 0.0]]},
        {"type": "tensor", "shape": [3], "dtype": "float32", "device": "cpu", "requires_grad": False,
         "data": ["inf", "-inf", 1.0]},
        {"type": "size", "data": [2, 3]},
        {"type": "dtype", "repr": "torch.float32"},
        {"type": "tuple", "data": [{"type": "int", "data": 1}, {"type": "str", "data": "a"},
                                   {"type": "none", "data": None}]},
        {"type": "float64", "data": 0.5},
        {"type": "bool", "data": True},
    ]
