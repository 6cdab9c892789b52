"""`torch.utils.data`: datasets, samplers, `random_split` and the single-process DataLoader.

A program's own dataset is a class built on `Dataset` with `__len__` and `__getitem__`;
`DataLoader` draws indices from a sampler, groups them with a `BatchSampler` and
collates each batch with `default_collate` (tensors stacked, numbers made tensors,
tuples, lists and dicts collated element by element), as PyTorch does in its main
process (`num_workers=0`: tensorsh has no worker processes).

Every random draw goes through the engine's generator (`randperm`, `randint`), so the
order a shuffle gives is tensorsh's, not PyTorch's, until the engine draws PyTorch's numbers.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence

import numpy as np

from ... import engine as _torch
from ..random import default_generator
from ..tensor import Tensor

__all__ = [
    "BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler", "Sampler",
    "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset", "default_collate", "default_convert",
    "get_worker_info", "random_split",
]


def _seed_from(generator) -> int:
    """A seed drawn from `generator` (the default one if None), where PyTorch draws one with
    `torch.empty((), dtype=torch.int64).random_(generator=generator)`: a RandomSampler without a
    generator seeds its own from it, and every DataLoader iterator draws one."""
    return int(_torch.empty((), dtype=_torch.int64).random_(generator=generator).item())


# ================================================================ datasets


class Dataset:
    """The base of map-style datasets: a subclass defines __getitem__ (and usually __len__)."""

    __module__ = "torch.utils.data.dataset"
    # A program reads (and may assign) its public attributes, as PyTorch's Python objects allow (lang/namespace.py).
    _public_instance_attributes = True

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """The base of iterable-style datasets: a subclass defines __iter__."""

    __module__ = "torch.utils.data.dataset"

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        raise NotImplementedError("ChainDataset is not part of tensorsh")


class TensorDataset(Dataset):
    """Samples are the tensors' rows at one index: `ds[i] == (t0[i], t1[i], ...)`."""

    __module__ = "torch.utils.data.dataset"

    def __init__(self, *tensors):
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)


class ConcatDataset(Dataset):
    """The datasets one after the other."""

    __module__ = "torch.utils.data.dataset"

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")  # noqa: TRY004 (PyTorch's class)
        self.cumulative_sizes = []
        total = 0
        for d in self.datasets:
            total += len(d)
            self.cumulative_sizes.append(total)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = 0 if which == 0 else self.cumulative_sizes[which - 1]
        if which >= len(self.datasets):
            raise IndexError("list index out of range")
        return self.datasets[which][idx - start]


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    __module__ = "torch.utils.data.dataset"

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=default_generator):
    """Split a dataset into non-overlapping Subsets of the given lengths, or fractions of its length."""
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        n = len(dataset)
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(math.floor(n * frac))
        # What the floors left over goes round-robin to the first subsets.
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = _torch.randperm(sum(lengths), generator=generator)._data.tolist()
    subsets, offset = [], 0
    for length in lengths:
        offset += length
        subsets.append(Subset(dataset, indices[offset - length:offset]))
    return subsets


# ================================================================ samplers


def _positive_int(value, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


class Sampler:
    """The base of samplers: iterating gives dataset indices (or lists of them)."""

    __module__ = "torch.utils.data.sampler"
    # A program reads (and may assign) its public attributes, as PyTorch's Python objects allow (lang/namespace.py).
    _public_instance_attributes = True

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    __module__ = "torch.utils.data.sampler"

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """The indices in a random order (a fresh permutation each pass), or drawn with replacement."""

    __module__ = "torch.utils.data.sampler"

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        _positive_int(self.num_samples, "num_samples")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            generator = _torch.Generator().manual_seed(_seed_from(None))
        if self.replacement:
            # In chunks of 32 draws, as PyTorch draws them.
            for _ in range(self.num_samples // 32):
                yield from _torch.randint(high=n, size=(32,), dtype=_torch.int64, generator=generator)._data.tolist()
            rest = self.num_samples % 32
            yield from _torch.randint(high=n, size=(rest,), dtype=_torch.int64, generator=generator)._data.tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from _torch.randperm(n, generator=generator)._data.tolist()
            yield from _torch.randperm(n, generator=generator)._data.tolist()[:self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order."""

    __module__ = "torch.utils.data.sampler"

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _torch.randperm(len(self.indices), generator=self.generator)._data.tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler):
    """Groups the indices of `sampler` into lists of batch_size (the last may be shorter unless drop_last)."""

    __module__ = "torch.utils.data.sampler"

    def __init__(self, sampler, batch_size, drop_last):
        _positive_int(batch_size, "batch_size")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")  # noqa: TRY004
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


# ================================================================ collation

_COLLATE_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _numpy_strings(array) -> bool:
    return array.dtype.kind in "SaUO"


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def default_convert(data):
    """One sample made tensor-friendly without batching: NumPy arrays and scalars become tensors."""
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and not isinstance(data, (np.str_, np.bytes_)):
        if isinstance(data, np.ndarray) and _numpy_strings(data):
            return data
        return _torch.as_tensor(data)
    if isinstance(data, Mapping):
        return {key: default_convert(data[key]) for key in data}
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as PyTorch returns
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    """A list of samples as one batch: tensors stacked along a new first dimension, ints an int64
    tensor, floats a float64 tensor, strings a list, and tuples, lists and dicts element by element
    (a tuple of fields becomes a list of batched fields)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _torch.stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _numpy_strings(elem):
            raise TypeError(_COLLATE_ERROR.format(elem.dtype))
        return default_collate([_torch.as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number)):
        return _torch.as_tensor(batch)
    if isinstance(elem, float):
        return _torch.tensor(batch, dtype=_torch.float64)
    if isinstance(elem, int):
        return _torch.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(samples) for samples in zip(*batch)]
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def get_worker_info():
    """None: tensorsh loads data in the main process only."""


# ================================================================ the loader


class DataLoader:
    """Batches of a dataset: `for x, y in DataLoader(ds, batch_size=32, shuffle=True)`."""

    __module__ = "torch.utils.data.dataloader"
    # A program reads (and may assign) its public attributes, as PyTorch's Python objects allow (lang/namespace.py).
    _public_instance_attributes = True
    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if num_workers > 0:
            raise ValueError("tensorsh loads data in the main process only: use num_workers=0")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, "
                                 f"but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None and not iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        elif batch_size is not None and iterable:
            _positive_int(batch_size, "batch_size")
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._initialized = True

    def __setattr__(self, name, value):
        if self._initialized and name in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                                          "persistent_workers"):
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (isinstance(self.dataset, IterableDataset)
                                                  and self.batch_size is not None)

    def __iter__(self):
        return _SingleProcessDataLoaderIter(self)

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


class _SingleProcessDataLoaderIter:
    """One pass over a DataLoader (what `iter(loader)` gives)."""

    __module__ = "torch.utils.data.dataloader"

    def __init__(self, loader: DataLoader):
        self._loader = loader
        # PyTorch draws a seed for its workers on every pass, workers or not.
        self._base_seed = _seed_from(loader.generator)
        self._batches = self._generate()

    def _generate(self):
        loader = self._loader
        dataset, collate = loader.dataset, loader.collate_fn
        if isinstance(dataset, IterableDataset):
            if loader.batch_size is None:
                for item in dataset:
                    yield collate(item)
                return
            batch = []
            for item in dataset:
                batch.append(item)
                if len(batch) == loader.batch_size:
                    yield collate(batch)
                    batch = []
            if batch and not loader.drop_last:
                yield collate(batch)
            return
        if loader.batch_sampler is None:
            for index in loader.sampler:
                yield collate(dataset[index])
            return
        for indices in loader.batch_sampler:
            yield collate([dataset[i] for i in indices])

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._batches)

    def __len__(self):
        return len(self._loader)
