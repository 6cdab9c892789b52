"""Random numbers as PyTorch draws them: its Mersenne Twister (`generator`), the way each of its
CPU kernels turns that stream into values (`draws`), and the default generator, seeded once
per process from the OS as PyTorch's is."""

from __future__ import annotations

from .generator import Generator, nondeterministic_seed

# What a program reaches as `torch.random` (PyTorch's module of the same functions).
__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state"]

default_generator = Generator().manual_seed(nondeterministic_seed())


def generator(g: Generator | None = None) -> Generator:
    """g, checked, or the default generator."""
    if g is None:
        return default_generator
    if not isinstance(g, Generator):
        raise TypeError(f"argument 'generator' must be torch.Generator, not {type(g).__name__}")
    return g


def manual_seed(seed) -> Generator:
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    return default_generator.initial_seed()


def seed() -> int:
    return default_generator.seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)
