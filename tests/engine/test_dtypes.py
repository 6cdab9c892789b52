"""Type promotion agrees with PyTorch's, recorded in promotion_table.json by scripts/record_promotion.py."""

import json
from pathlib import Path

import pytest

from tensorsh import engine as torch

TABLE = json.loads((Path(__file__).parent / "promotion_table.json").read_text())
SCALARS = {"bool": True, "int": 3, "float": 2.5, "complex": 1j}


def dt(name):
    return getattr(torch, name)


def expected(name):
    # tensorsh has no complex32 (ComplexHalf): where PyTorch gives it, tensorsh gives complex64.
    return "complex64" if name == "complex32" else name


@pytest.mark.parametrize("row", TABLE["pairs"], ids=lambda r: f"{r['a']}-{r['b']}")
def test_pair_promotion(row):
    a, b = dt(row["a"]), dt(row["b"])
    x, y, y0 = torch.ones(2, dtype=a), torch.ones(2, dtype=b), torch.ones((), dtype=b)
    assert torch.promote_types(a, b).name == row["promote_types"]
    assert torch.result_type(x, y).name == row["dim_dim"]
    assert torch.result_type(x, y0).name == expected(row["dim_zero"])
    assert (x / y).dtype.name == row["div"]
    assert torch.can_cast(a, b) == row["can_cast"]


@pytest.mark.parametrize("row", TABLE["scalars"], ids=lambda r: f"{r['a']}-{r['scalar']}")
def test_scalar_promotion(row):
    x = torch.ones(2, dtype=dt(row["a"]))
    assert torch.result_type(x, SCALARS[row["scalar"]]).name == expected(row["result_type"])


@pytest.mark.parametrize("row", TABLE["pairs"], ids=lambda r: f"{r['a']}-{r['b']}")
def test_binary_ops_produce_the_promoted_dtype(row):
    x, y = torch.ones(2, dtype=dt(row["a"])), torch.ones(2, dtype=dt(row["b"]))
    if row["dim_dim"] != "bool":
        assert (x * y).dtype.name == row["dim_dim"]
        assert (x + y).dtype.name == row["dim_dim"]
    assert (x == y).dtype.name == "bool"


def test_default_dtype_switches_what_floats_become():
    try:
        torch.set_default_dtype(torch.float64)
        assert torch.tensor([1.5]).dtype is torch.float64
        assert torch.result_type(torch.tensor([1, 2]), 2.5) is torch.float64
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.tensor([1.5]).dtype is torch.float32
