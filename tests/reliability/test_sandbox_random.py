"""Sandbox: escape attempts through the random number generator and the sampling ops.

`torch.Generator` grew PyTorch's state API (get_state, set_state and the module-level
get_rng_state / set_rng_state), which takes bytes from the program and rebuilds an engine
from them, and the sampling ops take probabilities, bounds and generators from it. Each
attempt must end in a located error of the program's own, change nothing on disk, and
never reach the generator's internals (its NumPy engine, its draws). Sizes beyond the
memory limit are refused before anything is drawn.
"""

from __future__ import annotations

import pytest

from tensorsh.lang.session import Session
from tests.reliability.test_sandbox import attempt, jail, small_memory_limit  # noqa: F401 - fixtures, shared

G = "g = torch.Generator()\n"

CASES = [
    # the generator's internals: `_` names are refused before anything runs
    ("SyntaxError", G + "g._mt"),
    ("SyntaxError", G + "g._uint32(3)"),
    ("SyntaxError", G + "g._engine().state"),
    ("SyntaxError", "torch.default_generator._normal_cache"),
    ("NameError", G + "getattr(g, '_mt')"),
    # the module that holds the generator and the draws is not reachable
    ("AttributeError", "torch.random.generator"),  # torch.random is PyTorch's functions only
    ("AttributeError", "torch.random.draws"),
    ("AttributeError", "torch.random.default_generator.draws"),
    ("ImportError", "import torch.random.generator"),
    ("ImportError", "from torch.random import Generator"),
    ("AttributeError", G + "g.draws"),
    ("AttributeError", G + "g.get_state().base"),
    # state bytes from the program: checked before an engine is built from them
    ("TypeError", G + "g.set_state(5)"),
    ("TypeError", G + "g.set_state([0] * 5056)"),
    ("TypeError", "torch.set_rng_state('state')"),
    ("RuntimeError", G + "g.set_state(torch.zeros(10, dtype=torch.uint8))"),
    ("RuntimeError", G + "g.set_state(torch.zeros(5056, dtype=torch.uint8))"),
    ("TypeError", G + "g.set_state(torch.zeros(5056))"),
    ("RuntimeError", G + "s = g.get_state()\ns[8] = 255\ns[9] = 255\ng.set_state(s)"),
    ("RuntimeError", "torch.set_rng_state(torch.zeros(10**6, dtype=torch.uint8))"),
    # generators where something else is expected, and the other way round
    ("TypeError", "torch.rand(3, generator=5)"),
    ("TypeError", "torch.randn(3, generator=print)"),
    ("TypeError", "torch.randperm(3, generator='g')"),
    ("TypeError", "torch.empty(3).normal_(generator=[1])"),
    ("TypeError", "torch.multinomial(torch.ones(3), 2, generator=torch)"),
    ("RuntimeError", "torch.manual_seed(2**70)"),
    ("ValueError", "torch.manual_seed('seed')"),
    # bounds and probabilities
    ("RuntimeError", "torch.empty(3).bernoulli_(float('nan'))"),
    ("RuntimeError", "torch.bernoulli(torch.tensor([2.0]))"),
    ("RuntimeError", "torch.multinomial(torch.tensor([float('inf'), 1.0]), 1)"),
    ("RuntimeError", "torch.multinomial(torch.zeros(3), 1, True)"),
    ("RuntimeError", "torch.empty(3, dtype=torch.int8).random_(-1000, 0)"),
    ("RuntimeError", "torch.empty(3).exponential_(-1)"),
    ("RuntimeError", "torch.randint(5, 5, (3,))"),
]

# Draws whose result, or whose work, is beyond the 64 MiB limit of these tests.
SIZE_ATTEMPTS = [
    "torch.rand(10**5, 10**5)",
    "torch.randn(10**9)",
    "torch.randint(0, 5, (10**9,))",
    "torch.randperm(10**9)",
    "torch.normal(0.0, 1.0, size=(10**9,))",
    "torch.multinomial(torch.ones(10**3), 10**8, True)",
]


@pytest.mark.parametrize("kind, source", CASES)
def test_escape_attempt_through_the_generator_is_refused(kind, source, jail):
    error = attempt(source, jail)
    assert error.kind == kind, (source, error.kind, error.message)
    assert error.message


@pytest.mark.parametrize("source", SIZE_ATTEMPTS)
def test_draws_beyond_the_memory_limit_are_refused_before_drawing(source, jail):
    error = attempt(source, jail)
    assert error.kind in ("RuntimeError", "MemoryError"), (source, error.kind, error.message)
    assert "memory limit" in error.message, error.message


def test_a_state_is_a_copy_and_restores_the_stream():
    shown = []
    Session().run("g = torch.Generator().manual_seed(3)\ns = g.get_state()\na = torch.rand(4, generator=g)\n"
                  "s[100] = 7\nt = g.get_state()\ng.set_state(g.get_state())\nb = torch.rand(4, generator=g)\n"
                  "g.set_state(t)\nc = torch.rand(4, generator=g)\ntorch.equal(b, c), torch.equal(a, b)",
                  "<t>", lambda value: shown.append(repr(value)))
    assert shown[-1] == "(True, False)"
