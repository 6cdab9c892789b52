"""torch.utils.data beyond what the golden cases can show: shuffles are the engine's own
draws (randperm through the given or default generator), so only their properties and
their repeatability are checked here."""

from __future__ import annotations

import pytest

from tensorsh import engine as torch

data = torch.utils.data


def _order(loader) -> list[int]:
    return [i for batch in loader for i in batch.tolist()]


def test_shuffle_is_a_permutation_and_repeats_under_the_same_seed():
    loader = data.DataLoader(torch.arange(50), batch_size=7, shuffle=True)
    torch.manual_seed(5)
    first = _order(loader)
    torch.manual_seed(5)
    again = _order(loader)
    assert sorted(first) == list(range(50))
    assert first == again
    assert first != list(range(50))


def test_each_epoch_draws_a_new_order():
    loader = data.DataLoader(torch.arange(50), batch_size=50, shuffle=True)
    torch.manual_seed(0)
    assert _order(loader) != _order(loader)


def test_shuffle_with_a_generator_uses_only_that_generator():
    def run(seed):
        g = torch.Generator().manual_seed(seed)
        torch.manual_seed(seed + 100)  # the default generator must not matter
        return _order(data.DataLoader(torch.arange(30), batch_size=4, shuffle=True, generator=g))

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_shuffle_goes_through_randperm(monkeypatch):
    calls = []
    real = torch.randperm

    def spy(n, *args, **kwargs):
        calls.append((n, kwargs.get("generator")))
        return real(n, *args, **kwargs)

    monkeypatch.setattr(torch, "randperm", spy)
    g = torch.Generator()
    list(data.DataLoader(torch.arange(6), batch_size=2, shuffle=True, generator=g))
    # As in PyTorch's RandomSampler: one permutation per full pass, and one more for the
    # remainder, drawn even when the remainder is empty.
    assert calls == [(6, g), (6, g)]


def test_random_split_is_repeatable_with_a_generator():
    def split(seed):
        a, b = data.random_split(range(20), [0.25, 0.75], generator=torch.Generator().manual_seed(seed))
        return list(a), list(b)

    a, b = split(7)
    assert (len(a), len(b)) == (5, 15) and sorted(a + b) == list(range(20))
    assert split(7) == (a, b)


def test_random_sampler_with_replacement_stays_in_range():
    torch.manual_seed(0)
    drawn = list(data.RandomSampler(range(4), replacement=True, num_samples=100))
    assert len(drawn) == 100 and set(drawn) <= {0, 1, 2, 3} and len(set(drawn)) > 1


def test_worker_processes_are_refused():
    with pytest.raises(ValueError, match="num_workers=0"):
        data.DataLoader(torch.arange(4), num_workers=2)


def test_classes_show_pytorch_modules():
    assert repr(data.TensorDataset).startswith("<class 'torch.utils.data.dataset.TensorDataset'")
    assert data.DataLoader.__module__ == "torch.utils.data.dataloader"
    assert data.RandomSampler.__module__ == "torch.utils.data.sampler"


def test_loader_iterator_is_its_own_iterator():
    it = iter(data.DataLoader(torch.arange(3)))
    assert iter(it) is it
    assert [b.tolist() for b in it] == [[0], [1], [2]]
    with pytest.raises(StopIteration):
        next(it)


def test_collated_tensors_are_new_memory():
    ds = data.TensorDataset(torch.arange(4.0))
    (batch,) = next(iter(data.DataLoader(ds, batch_size=4)))
    batch.add_(1)
    assert ds.tensors[0].tolist() == [0.0, 1.0, 2.0, 3.0]
