"""Programs scripts/fuzz.py found to end in an internal error or to hang, each run through the
language as a program would be: now PyTorch's own error (checked against torch 2.x), or
Python's where the failing name is a builtin, located at the program's line."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from tensorsh.engine import printing
from tensorsh.lang.session import Session
from tests.reliability.harness import located_error as error_of

F = "import torch\nimport torch.nn.functional as F\n"


@pytest.mark.parametrize("call, name", [
    ("F.relu(True, True)", "relu_"),  # was AttributeError: 'bool' object has no attribute '_view_version'
    ("F.relu(1, inplace=True)", "relu_"),
    ("F.relu(True)", "relu"),
    ("F.elu(True)", "elu"),  # was named after the helper: "_float_input()"
    ("F.elu(True, inplace=True)", "elu_"),
    ("F.leaky_relu(True, inplace=True)", "leaky_relu_"),
    ("F.silu(True, inplace=True)", "silu_"),
    ("torch.selu(True, inplace=True)", "selu"),  # the torch.X form names itself (see nn._in_place)
    ("F.gelu(True)", "gelu"),
    ("F.relu6(True)", "relu6"),  # was named after hardtanh, which it calls
    ("F.relu6(True, inplace=True)", "relu6_"),
    ("F.hardtanh(True, inplace=True)", "hardtanh_"),
    ("F.dropout(True, inplace=True)", "dropout_"),
])
def test_activations_of_a_non_tensor_give_pytorchs_type_error(call, name):
    error = error_of(F + call)
    assert error.kind == "TypeError"
    # PyTorch's message, word for word: the in-place form names its in-place kernel.
    kind = "int" if "(1," in call else "bool"
    assert error.message == f"{name}(): argument 'input' (position 1) must be Tensor, not {kind}"


@pytest.fixture
def print_options_restored():
    options = printing.get_printoptions()
    yield
    printing.set_printoptions(**options)


@pytest.mark.usefixtures("print_options_restored")
@pytest.mark.parametrize("precision", ["3*10**9", "10**6", "1101"])
def test_absurd_print_precision_is_refused_where_it_is_set(precision):
    # PyTorch takes these and then fails at the next print (3e9: "precision too big"), or spends
    # minutes and gigabytes formatting 10**6 digits per element.
    start = time.monotonic()
    error = error_of(f"import torch\ntorch.set_printoptions(precision={precision})\nprint(torch.ones(3) / 3)")
    assert time.monotonic() - start < 5
    assert error.kind == "ValueError" and error.span.line == 2
    assert "precision must be at most 1100" in error.message
    assert printing.get_printoptions()["precision"] == 4  # nothing was set


@pytest.mark.usefixtures("print_options_restored")
def test_every_digit_of_a_float64_can_still_be_printed():
    shown = []
    Session().run("import torch\ntorch.set_printoptions(precision=1100, linewidth=10**12, edgeitems=10**12)\n"
                  "str(torch.tensor([5e-324], dtype=torch.float64))", "<t>", shown.append)
    assert shown[0].startswith("tensor([4.9406564584124654") and "e-324" in shown[0]


@pytest.mark.usefixtures("print_options_restored")
def test_printing_more_text_than_the_memory_limit_is_refused():
    from tensorsh.engine import limits

    old = limits.max_memory()
    limits.set_max_memory(64 * 2 ** 20)
    try:
        error = error_of("import torch\ntorch.set_printoptions(precision=1100, threshold=float('inf'))\n"
                         "x = torch.zeros(4000, 1000)\nprint(x)")
    finally:
        limits.set_max_memory(old)
    assert error.kind == "MemoryError" and error.span.line == 4
    assert "printing this tensor would take about 4.3 GiB" in error.message


@pytest.mark.parametrize("call, message", [
    # Was an empty tensor of NumPy's dtype object, which then failed to print: an internal KeyError.
    ("a = torch.full((1, 2, 2, 0), 1.5)\na.add(a, alpha=None)", "add(): argument 'alpha' must be Number, not NoneType"),
    ("torch.ones(2).add(torch.ones(2), alpha='x')", "add(): argument 'alpha' must be Number, not str"),
    ("torch.ones(2).sub(torch.ones(2), alpha=None)", "sub(): argument 'alpha' must be Number, not NoneType"),
])
def test_add_and_sub_refuse_an_alpha_that_is_not_a_number(call, message):
    error = error_of("import torch\n" + call)
    assert (error.kind, error.message) == ("TypeError", message)


DEEP = "x = []\ny = []\nfor i in range(20000):\n    x = [x]\n    y = [y]\n"


@pytest.mark.parametrize("expression", ["sorted([x, y])", "x == y", "x < y", "repr(x)", "str(x)", "print(x)",
                                        "max(x, y)", "{'a': x} == {'a': y}"])
def test_a_list_nested_20000_deep_fails_with_a_located_recursion_error(expression):
    # The recursion happens inside C (list comparison and repr), under Python's recursion limit.
    error = error_of(DEEP + expression)
    assert error.kind == "RecursionError" and error.span.line == 6
    assert "nests too deeply" in error.message


def _fuzz_script():
    spec = importlib.util.spec_from_file_location("fuzz", Path(__file__).parents[2] / "scripts" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fuzzer_kills_a_program_stuck_in_c_code_and_goes_on():
    # x.expand(2, 10**12).sum() loops inside NumPy, where the in-process alarm is never seen: the
    # fuzzer's worker process is killed after the budget and a grace period, and replaced. (The
    # memory limit refuses such a view; with a limit of 2**60 bytes it is made, as C code that
    # nothing bounds yet would run.)
    fuzz = _fuzz_script()
    worker = fuzz.Worker()
    try:
        assert worker.run("1", 2.0) == "ok"
        start = time.monotonic()
        result = worker.run("import torch\nx = torch.ones(1, requires_grad=True)\n"
                            "x.expand(2, 10**12).sum().backward()", 0.5, max_memory=2 ** 60)
        assert isinstance(result, fuzz.Finding) and result.kind == "hang"
        assert time.monotonic() - start < 0.5 + fuzz.GRACE_SECONDS + 2
        assert worker.run("for i in range(10**9):\n    pass", 0.3) == "timeout"  # the alarm still serves loops
        assert worker.run("1 +", 2.0) == "error"
        assert worker.run("raise KeyboardInterrupt", 2.0) == "interrupt"
        worker.process.kill()  # as a segfault in C code would end it
        worker.process.wait()
        result = worker.run("1", 2.0)
        assert isinstance(result, fuzz.Finding) and result.kind == "died" and "SIGKILL" in result.signature
        assert worker.run("1", 2.0) == "ok"  # a new worker took its place
    finally:
        worker.stop()


@pytest.mark.parametrize("source, kind, message", [
    # NumPy's add.at crashed the process on values that do not broadcast.
    ("torch.ones(1, 2).index_add(-1, torch.tensor([0, 1]), torch.ones(3, 2, 2, 3))", "RuntimeError",
     "source tensor shape must match self tensor shape, excluding the specified dimension. "
     "Got self.shape = [1, 2] source.shape = [3, 2, 2, 3]"),
    ("torch.can_cast(True, 1)", "TypeError",
     "can_cast(): argument 'from_' (position 1) must be torch.dtype, not bool"),
    ("torch.can_cast(torch.float32, None)", "TypeError",
     "can_cast(): argument 'to' (position 2) must be torch.dtype, not NoneType"),
    # Python's own errors (checked against CPython), no longer internal ones.
    ("\"{float('nan')}\".format()", "KeyError", "\"float('nan')\""),
    ("'{0} {1}'.format(1)", "IndexError", "Replacement index 1 out of range for positional args tuple"),
    ("x = []\nfor i in range(20000):\n    x = [x]\nraise KeyError(x)", "KeyError", "<exception str() failed>"),
])
def test_more_fuzz_findings_are_the_programs_errors(source, kind, message):
    error = error_of(F + source)
    assert (error.kind, error.message) == (kind, message)


@pytest.mark.parametrize("call, message", [
    # was AttributeError: 'str' object has no attribute '_data' (fuzz, 2026-12-06)
    ("torch.group_norm(torch.ones(2, 2), 1, weight='a')", "group_norm(): argument 'weight' (position 3) must be "
                                                          "Tensor, not str"),
    ("torch.layer_norm(torch.ones(2, 2), (2,), bias=3)", "layer_norm(): argument 'bias' (position 4) must be "
                                                         "Tensor, not int"),
])
def test_a_normalisations_weight_and_bias_must_be_tensors(call, message):
    # PyTorch names the argument too (without the position when it is passed by keyword).
    error = error_of(F + call)
    assert (error.kind, error.message) == ("TypeError", message)
