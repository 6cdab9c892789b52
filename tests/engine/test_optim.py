"""torch.optim beyond what golden cases print: version counters, grad mode, state identity,
and the float32 rounding of the update arithmetic (checked against exact arithmetic)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from tensorsh import engine as torch
from tensorsh.engine.optim import arithmetic

OPTIMIZERS = [
    lambda p: torch.optim.SGD(p, lr=0.1),
    lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.1),
    lambda p: torch.optim.Adam(p, lr=0.1, amsgrad=True),
    lambda p: torch.optim.AdamW(p, lr=0.1),
    lambda p: torch.optim.RMSprop(p, lr=0.1, momentum=0.5, centered=True),
    lambda p: torch.optim.Adagrad(p, lr=0.1),
]


def _loss(w):
    return (w * w).sum()


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_step_bumps_the_parameter_version_and_records_nothing(make):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = make([w])
    _loss(w).backward()
    view = w[0:1]
    before = w._version[0]
    opt.step()
    assert w._version[0] > before
    assert view._version[0] == w._version[0]  # the write went through the shared memory
    assert w.is_leaf and w.grad_fn is None and w.requires_grad


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_parameters_without_grad_are_left_alone(make):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    frozen = torch.tensor([3.0], requires_grad=True)
    opt = make([w, frozen])
    _loss(w).backward()
    opt.step()
    assert frozen.tolist() == [3.0] and frozen._version[0] == 0


def test_closure_runs_under_grad_mode_and_updates_do_not():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    seen = []

    def closure():
        seen.append(torch.is_grad_enabled())
        loss = _loss(w)
        loss.backward()
        return loss

    with torch.no_grad():
        loss = opt.step(closure)
        assert not torch.is_grad_enabled()  # the step restores the caller's mode
    assert seen == [True]
    assert loss.item() == 5.0

    class Recording(torch.optim.SGD):
        def _update_group(self, group):
            seen.append(torch.is_grad_enabled())
            super()._update_group(group)

    Recording([w], lr=0.1).step(closure)
    assert seen == [True, True, False]


def test_step_restores_grad_mode_after_an_error():
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)

    def closure():
        raise ValueError("boom")

    with pytest.raises(ValueError):
        opt.step(closure)
    assert torch.is_grad_enabled()


def test_state_is_a_defaultdict_keyed_by_the_parameter():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.Adam([w])
    assert opt.state[torch.tensor([1.0])] == {}  # a defaultdict of dicts
    _loss(w).backward()
    opt.step()
    assert set(opt.state[w]) == {"step", "exp_avg", "exp_avg_sq"}
    assert opt.state[w]["step"].dtype is torch.float32


def test_state_dict_shares_state_tensors_and_load_keeps_them():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    _loss(w).backward()
    opt.step()
    saved = opt.state_dict()
    assert saved["state"][0]["momentum_buffer"] is opt.state[w]["momentum_buffer"]
    v = torch.tensor([0.0, 0.0], requires_grad=True)
    other = torch.optim.SGD([v], lr=0.5)
    other.load_state_dict(saved)
    assert other.state[v]["momentum_buffer"] is saved["state"][0]["momentum_buffer"]
    assert other.param_groups[0]["params"][0] is v
    assert other.param_groups[0]["lr"] == 0.1
    assert saved["param_groups"][0]["params"] == [0]  # the saved dict is not changed


def test_load_state_dict_casts_state_to_the_parameter_dtype_but_not_step():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.Adam([w])
    _loss(w).backward()
    opt.step()
    v = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    other = torch.optim.Adam([v])
    other.load_state_dict(opt.state_dict())
    assert other.state[v]["exp_avg"].dtype is torch.float64
    assert other.state[v]["step"].dtype is torch.float32


def test_a_step_saved_as_a_number_becomes_a_tensor():
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.Adam([w])
    saved = {"state": {0: {"step": 3, "exp_avg": torch.zeros(1), "exp_avg_sq": torch.zeros(1)}},
             "param_groups": opt.state_dict()["param_groups"]}
    opt.load_state_dict(saved)
    assert opt.state[w]["step"].item() == 3.0


def test_zero_grad_without_set_to_none_zeroes_in_place():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    _loss(w).backward()
    grad = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is grad and grad.tolist() == [0.0, 0.0]


def test_scheduler_sets_the_optimizer_groups_lr():
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] == 0.5 == sched.get_last_lr()[0]
    assert opt.param_groups[0]["initial_lr"] == 1.0


def test_torch_optim_names():
    assert torch.optim.lr_scheduler.StepLR.__module__ == "torch.optim.lr_scheduler"
    assert repr(type(torch.optim.SGD([torch.tensor([1.0], requires_grad=True)]))) == "<class 'torch.optim.sgd.SGD'>"
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Optimizer", "lr_scheduler"):
        assert name in torch.optim.__all__


# ---------------------------------------------------------------- rounding


def _exact(x) -> Fraction:
    return Fraction(float(x))


def _round32(value: Fraction) -> np.float32:
    """The float32 nearest to an exact rational (ties to even), by bracketing."""
    guess = np.float32(float(value))
    candidates = [np.nextafter(guess, np.float32(-np.inf)), guess, np.nextafter(guess, np.float32(np.inf))]
    return min(candidates, key=lambda c: (abs(_exact(c) - value), int(np.array(c).view(np.int32)) & 1))


def test_fused_multiply_add_rounds_once():
    rng = np.random.default_rng(0)
    x, y, z = (rng.standard_normal(200).astype(np.float32) for _ in range(3))
    fused = arithmetic.fma(x, y, z)
    expected = [_round32(_exact(a) * _exact(b) + _exact(c)) for a, b, c in zip(x, y, z)]
    assert fused.dtype == np.float32
    assert fused.tolist() == [float(e) for e in expected]


def test_lerp_reaches_end_exactly_at_weight_one():
    start = np.array([0.1, -3.0], dtype=np.float32)
    end = np.array([2.5, 7.0], dtype=np.float32)
    assert arithmetic.lerp(start, end, 1.0).tolist() == end.tolist()
    assert arithmetic.lerp(start, end, 0.0).tolist() == start.tolist()
