"""The reliability suites on torch: where PyTorch's own answer differs from the engine's.

Each entry is a test of `tests/reliability` (collected again here, see suites.py) and a piece of
its program, whose attempt PyTorch answers otherwise, and why; it must still fail here as written (xfail, strict), so an
entry that stops applying is noticed. None of them is an escape: each is either refused by
PyTorch itself with another error, bounded by the process cap, or a program PyTorch runs.
"""

from __future__ import annotations

import pytest

_PROCESS_CAP = ("PyTorch allocates a layer's parameters in C++, past tensorsh's checks: the process cap bounds it, "
                "and PyTorch's allocator refuses with its own RuntimeError")
_LAYERS = "test_layers_and_datasets_beyond_the_memory_limit_are_refused_before_allocating"
DIFFERENT_ON_TORCH = {
    ("test_mistakes_in_engine_subclasses_and_callbacks_are_the_programs", "class T(torch.Tensor)"):
        "PyTorch builds a Tensor subclass in __new__: an __init__ that does nothing is no mistake",
    ("test_mistakes_in_engine_subclasses_and_callbacks_are_the_programs", "class G(torch.Generator)"):
        "PyTorch builds a Generator in __new__: an __init__ that does nothing is no mistake",
    ("test_mistakes_in_engine_subclasses_and_callbacks_are_the_programs", "class N(torch.no_grad)"):
        "PyTorch's no_grad runs a subclass's __enter__ as written",
    ("test_escape_attempt_in_a_process_of_its_own_is_refused", "class S(torch.Size)"):
        "torch.Size cannot be built on in PyTorch: TypeError before anything is sized",
    ("test_escape_attempt_in_a_process_of_its_own_is_refused", "R = type(torch.max("):
        "torch.return_types cannot be built on in PyTorch: TypeError before anything is sized",
    ("test_escape_attempt_through_the_new_objects_is_refused", "def modules(self)"):
        "PyTorch's Module.float() walks children(), not modules(): the program runs",
    ("test_escape_attempt_is_refused", "torch.Tensor.__init__("):
        "PyTorch's Tensor.__init__ is Python's object.__init__, a slot wrapper: refused as an attribute "
        "(AttributeError), where the engine's is its legacy constructor, handed out to take tensors only",
    (_LAYERS, "torch.nn.Linear(10"): _PROCESS_CAP,
    (_LAYERS, "torch.nn.Embedding("): _PROCESS_CAP,
    (_LAYERS, "torch.nn.Conv2d("): _PROCESS_CAP,
    (_LAYERS, "torch.nn.LSTM("): _PROCESS_CAP,
    (_LAYERS, "torch.nn.Bilinear("): _PROCESS_CAP,
    (_LAYERS, "torch.nn.BatchNorm1d("): _PROCESS_CAP,
    ("test_memory_attempts_in_a_process_of_their_own_are_refused", "torch.nn.Linear(4000"): _PROCESS_CAP,
    ("test_memory_attempts_in_a_process_of_their_own_are_refused", "ParameterList"): _PROCESS_CAP,
    ("test_legitimate_uses_of_the_new_objects_work", "dir(h), type(h)"):
        "PyTorch's RemovableHandle has more public attributes (id, next_id, ...) and another constructor",
    ("test_legitimate_uses_of_the_new_objects_work", "H(d, 0).remove()"):
        "PyTorch's RemovableHandle takes (hooks_dict, *, extra_dict=None)",
    ("test_legitimate_uses_of_the_new_objects_work", "dir(y.grad_fn)"):
        "a custom Function's grad_fn is its ctx in PyTorch: it shows ctx's public API too",
    ("test_legitimate_uses_of_the_new_objects_work", "sorted(dir(kept[0]))"):
        "a custom Function's ctx is its grad_fn in PyTorch: it shows the Node API too",
    ("test_legitimate_uses_of_the_new_objects_work", "n = p.grad_fn.next_functions[0][0]"):
        "PyTorch names a custom Function's accumulator node 'torch::autograd::AccumulateGrad'",
    ("test_legitimate_uses_of_the_new_objects_work", "dir(s.generator)"):
        "PyTorch's Generator has more public methods (clone_state, graphsafe_get_state, ...)",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/backend/" not in item.nodeid or not hasattr(item, "callspec"):
            continue
        program = str(item.callspec.params.get("source", ""))
        for (test, part), reason in DIFFERENT_ON_TORCH.items():
            if item.originalname == test and part in program:
                item.add_marker(pytest.mark.xfail(strict=True, reason=reason))
