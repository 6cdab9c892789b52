"""torch.Generator: PyTorch's CPU generator, a Mersenne Twister (mt19937), rebuilt on NumPy.

NumPy's MT19937 with legacy seeding is the same engine with the same seeding as PyTorch's
(`aten/src/ATen/core/MT19937RNGEngine.h`), so its raw 32-bit stream is PyTorch's. The
generator adds what PyTorch keeps beside the engine: the seed it was given, and the
second value of the last scalar Box-Muller pair (`_normal_cache`), which the next scalar
normal draw returns first.

`get_state` and `set_state` read and write PyTorch's 5056-byte state layout
(CPUGeneratorImplState), so states move between the two and print alike.
"""

from __future__ import annotations

import os

import numpy as np

DEFAULT_SEED = 67280421310721  # a new torch.Generator()'s seed (c10's default_rng_seed_val)
STATE_WORDS = 624

# CPUGeneratorImplState, as PyTorch lays it out on x86-64 (the legacy THGeneratorState
# first, which stores the 32-bit state words in 64-bit slots); padding bytes are zero.
STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "words", "normal_x", "normal_y", "normal_rho",
              "normal_is_valid", "float_normal", "float_normal_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", STATE_WORDS), "<f8", "<f8", "<f8", "<i4", "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056,
})


def nondeterministic_seed() -> int:
    """A seed from the OS, as PyTorch seeds its default generator once per process (53 bits,
    so that it survives a round trip through a double)."""
    return int.from_bytes(os.urandom(8), "little") & (2 ** 53 - 1)


class Generator:
    """A random number generator, as `torch.Generator` (CPU)."""

    __module__ = "torch._C"

    def __init__(self, device="cpu"):
        self.manual_seed(DEFAULT_SEED)

    # ---------------------------------------------------------------- seeding and state

    def manual_seed(self, seed) -> Generator:
        seed = int(seed)
        if seed < -(2 ** 63) or seed >= 2 ** 64:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed % 2 ** 64
        self._mt = None  # seeded on first draw: importing NumPy's random module costs start-up
        self._fresh = True  # no draw since seeding: PyTorch's state says next = 0, not 624
        self._normal_cache = None
        self._float_normal_cache = None
        return self

    def seed(self) -> int:
        seed = nondeterministic_seed()
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        return self._seed

    @property
    def device(self):
        from ..device import device
        return device("cpu")

    def get_state(self):
        from ..tensor import wrap
        state = np.zeros((), STATE_LAYOUT)
        key, pos = self._key_and_pos()
        state["seed"] = self._seed
        state["seeded"] = 1
        state["left"] = 1 if pos >= STATE_WORDS else STATE_WORDS + 1 - pos
        state["next"] = 0 if self._fresh else pos
        state["words"] = key
        if self._normal_cache is not None:
            state["normal_is_valid"], state["normal_y"] = 1, self._normal_cache
        if self._float_normal_cache is not None:
            state["float_normal_is_valid"], state["float_normal"] = 1, self._float_normal_cache
        return wrap(np.frombuffer(state.tobytes(), np.uint8).copy())

    def set_state(self, new_state) -> Generator:
        from ..tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        data = new_state._data
        if data.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if data.size != STATE_LAYOUT.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_LAYOUT.itemsize} but found the "
                               f"input RNG state size to be {data.size}")
        state = np.frombuffer(np.ascontiguousarray(data).tobytes(), STATE_LAYOUT)[0]
        left, next_ = int(state["left"]), int(state["next"])
        if not state["seeded"] or not 0 < left <= STATE_WORDS or next_ > STATE_WORDS:
            raise RuntimeError("Invalid mt19937 state")
        self._seed = int(state["seed"])
        self._engine()
        self._mt.state = {"bit_generator": "MT19937",
                             "state": {"key": state["words"].astype(np.uint32),
                                       "pos": STATE_WORDS if left == 1 else next_}}
        self._fresh = left == 1 and next_ == 0
        self._normal_cache = float(state["normal_y"]) if state["normal_is_valid"] else None
        self._float_normal_cache = float(state["float_normal"]) if state["float_normal_is_valid"] else None
        return self

    def _key_and_pos(self):
        inner = self._engine().state["state"]
        return inner["key"], int(inner["pos"])

    # ---------------------------------------------------------------- the raw stream

    def _engine(self) -> np.random.MT19937:
        if self._mt is None:
            self._mt = np.random.MT19937()
            self._mt._legacy_seeding(self._seed & 0xFFFFFFFF)  # PyTorch seeds its engine with the low 32 bits
            self._words = np.random.Generator(self._mt)
        return self._mt

    def _uint32(self, n: int) -> np.ndarray:
        """The next n 32-bit draws (PyTorch's `random()`)."""
        self._engine()
        self._fresh = False
        # Integers over the whole uint32 range are the engine's words unchanged, and NumPy
        # writes them faster than random_raw.
        return self._words.integers(0, 2 ** 32 - 1, n, dtype=np.uint32, endpoint=True)

    def _uint64(self, n: int) -> np.ndarray:
        """The next n 64-bit draws (PyTorch's `random64()`: two 32-bit draws, the first the high word)."""
        words = self._uint32(2 * n).astype(np.uint64)
        return (words[0::2] << np.uint64(32)) | words[1::2]

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"
