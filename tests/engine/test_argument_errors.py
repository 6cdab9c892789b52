"""Wrong arguments found by the fuzzer raise PyTorch's exception classes, not internal errors."""

import pytest

from tensorsh import engine as torch

F = torch.nn.functional

CASES = [
    (lambda: torch.ones_like(2), TypeError),
    (lambda: torch.zeros_like(-1, dtype=torch.uint8), TypeError),
    (lambda: torch.rand_like("a"), TypeError),
    (lambda: torch.randn_like("a"), TypeError),
    (lambda: torch.randint_like(2, high=3), TypeError),
    (lambda: torch.randn(2, generator=1), TypeError),
    (lambda: torch.ones(3).index_copy(0, torch.tensor([0, 1]), 0.5), TypeError),
    (lambda: torch.ones(3).index_add(0, torch.tensor([0]), 2.5), TypeError),
    (lambda: F.binary_cross_entropy_with_logits(torch.ones(2), torch.ones(2), pos_weight=1), TypeError),
    (lambda: F.binary_cross_entropy_with_logits(torch.ones(2), torch.ones(2), weight=2), TypeError),
    (lambda: F.selu(1, inplace=True), TypeError),
    (lambda: torch.ones(2).equal(0.5), TypeError),
    (lambda: torch.ones(2).view_as([]), TypeError),
    (lambda: torch.ones(2).reshape_as(True), TypeError),
    (lambda: torch.ones(2).expand_as(-5), TypeError),
    (lambda: torch.Size([float("nan")]), TypeError),
    (lambda: torch.broadcast_shapes(None), TypeError),
    (lambda: torch.set_printoptions(precision=-1), ValueError),
    (lambda: torch.set_printoptions(linewidth=float("inf")), ValueError),
    (lambda: torch.set_printoptions(edgeitems=1.5), ValueError),
]


@pytest.mark.parametrize("call, error", CASES, ids=range(len(CASES)))
def test_wrong_arguments_raise_the_class_pytorch_raises(call, error):
    try:
        with pytest.raises(error):
            call()
    finally:
        torch.set_printoptions(profile="default")


def test_sum_to_size_keeps_a_narrow_integer_dtype():
    got = torch.tensor([[1, 2], [3, 4]], dtype=torch.uint8).sum_to_size(1, 2)
    assert got.dtype is torch.uint8
    assert got.tolist() == [[4, 6]]
