"""The random number generator behind rand, randn, randint and friends.

tensorsh draws from NumPy's PCG64, not PyTorch's Mersenne Twister: the same seed
gives the same tensors run after run, but not the numbers PyTorch would draw.
"""

from __future__ import annotations

import numpy as np

_INITIAL_SEED = 67280421310721  # PyTorch's default seed, so an unseeded run is repeatable too.


class Generator:
    """A random number generator, as `torch.Generator`."""

    def __init__(self, device="cpu"):
        self._seed = _INITIAL_SEED
        self._numpy_rng = None

    @property
    def _rng(self) -> np.random.Generator:
        # Made on first use: importing numpy.random costs start-up time most runs never need.
        if self._numpy_rng is None:
            self._numpy_rng = np.random.default_rng(self._seed)
        return self._numpy_rng

    def manual_seed(self, seed) -> "Generator":
        seed = int(seed)
        if seed < -(2 ** 63) or seed >= 2 ** 64:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed % 2 ** 64
        self._numpy_rng = None
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        return self.manual_seed(int(np.random.SeedSequence().entropy % 2 ** 63))._seed

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"


default_generator = Generator()


def generator(g: Generator | None = None) -> np.random.Generator:
    if g is not None and not isinstance(g, Generator):
        raise TypeError(f"argument 'generator' must be torch.Generator, not {type(g).__name__}")
    return (g or default_generator)._rng


def manual_seed(seed) -> Generator:
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    return default_generator.seed()
