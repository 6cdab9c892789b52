"""Bounds the language itself keeps: a sequence repeated by any integer-like count, the NumPy
subset's functions and ndarray methods, Python's reductions over a range, and padding counts
are checked against the memory limit before anything is allocated, and none of them runs in C
code long enough to keep Ctrl-C from stopping it."""

from __future__ import annotations

import functools
import signal
import subprocess
import sys
import threading
import time

import numpy
import pytest

from tensorsh.engine import limits
from tensorsh.lang.session import Session
from tests.reliability.harness import located_error, memory_limit_of

error_of = functools.partial(located_error, seconds=2.0)

GiB = 2 ** 30
MiB = 2 ** 20


one_gib_limit = pytest.fixture(autouse=True)(memory_limit_of(GiB))  # the limit every test here runs under


def values_of(source: str) -> list:
    shown = []
    Session().run(source, "<t>", shown.append)
    return shown


def over_the_limit(what: str, nbytes: str, limit: str = "1.0 GiB") -> str:
    return f"{what} would need {nbytes}, more than the memory limit of {limit} (tensorsh --max-memory sets the limit)"


def array_over_the_limit(shape, dtype: str, nbytes: str, limit: str = "1.0 GiB") -> str:
    return over_the_limit(f"an array of shape {shape} and dtype {dtype}", nbytes, limit)


# ---------------------------------------------------------------- repetition by any integer

@pytest.mark.parametrize("source, expected", [
    # PyTorch's multiplication declines a sequence; Python then repeats it by the tensor's __index__.
    ("'ab' * torch.tensor(3)", "ababab"),
    ("torch.tensor(3) * 'ab'", "ababab"),
    ("[0] * torch.tensor(3)", [0, 0, 0]),
    ("torch.tensor(2) * [1, 2]", [1, 2, 1, 2]),
    ("(1,) * torch.tensor([2])", (1, 1)),
    ("x = 'ab'\nx *= torch.tensor(3)\nx", "ababab"),
    ("t = torch.tensor(2)\nt *= [7]\nt", [7, 7]),
    ("'ab' * np.int64(3)", "ababab"),
    ("np.int64(2) * [1]", [1, 1]),
])
def test_a_sequence_repeats_by_any_integer_like_count(source, expected):
    assert values_of(source)[-1] == expected


def test_a_list_times_a_numpy_array_is_numpys_product_not_a_repetition():
    # ndarray.__rmul__ comes before Python's repetition: [1, 2] * np.array(3) is array([3, 6]).
    value, = values_of("[1, 2] * np.array(3)")
    assert value.tolist() == (numpy.array([1, 2]) * 3).tolist()
    value, = values_of("(1,) * np.array(2)")
    assert value.tolist() == [2]


@pytest.mark.parametrize("source, what, nbytes", [
    ("'ab' * torch.tensor(10**11)", "a str of 200000000000 characters", "186.3 GiB"),
    ("torch.tensor(10**11) * 'ab'", "a str of 200000000000 characters", "186.3 GiB"),
    ("[0] * torch.tensor(10**9)", "a list of 1000000000 items", "7.5 GiB"),
    ("x = (0,)\nx *= torch.tensor(10**9)", "a tuple of 1000000000 items", "7.5 GiB"),
    ("'ab' * np.int64(10**11)", "a str of 200000000000 characters", "186.3 GiB"),
    ("[0] * np.int32(2**30)", "a list of 1073741824 items", "8.0 GiB"),
])
def test_a_repetition_count_of_any_integer_type_is_checked_first(source, what, nbytes):
    error = error_of(source, seconds=0.5)
    assert (error.kind, error.message) == ("MemoryError", over_the_limit(what, nbytes))


def test_a_float_tensor_count_is_pytorchs_type_error():
    # Python asks the tensor for __index__, which PyTorch refuses for a float tensor.
    error = error_of("'ab' * torch.tensor(3.0)")
    assert (error.kind, error.message) == (
        "TypeError", "only integer tensors of a single element can be converted to an index")
    error = error_of("'ab' * 3.0")
    assert (error.kind, error.message) == ("TypeError", "can't multiply sequence by non-int of type 'float'")


# ---------------------------------------------------------------- the NumPy subset

NUMPY_CASES = [
    # the broadcasting functions
    ("np.maximum(np.ones((50000, 1)), np.ones((1, 50000)))", (50000, 50000), "float64", "18.6 GiB"),
    ("np.minimum(np.ones((50000, 1)), np.ones((1, 50000)))", (50000, 50000), "float64", "18.6 GiB"),
    ("np.where(np.ones((50000, 1)) > 0, np.ones((1, 50000)), 0)", (50000, 50000), "float64", "18.6 GiB"),
    ("np.clip(np.ones((50000, 1)), np.zeros((1, 50000)), 1)", (50000, 50000), "float64", "18.6 GiB"),
    ("np.isclose(np.ones((20000, 1)), np.ones((1, 20000)))", (20000, 20000), "float64", "3.0 GiB"),
    ("np.allclose(np.ones((20000, 1)), np.ones((1, 20000)))", (20000, 20000), "float64", "3.0 GiB"),
    ("np.maximum(np.ones((50000, 1)), [[1.0] * 50000])", (50000, 50000), "float64", "18.6 GiB"),
    ("np.zeros_like(np.ones(3), shape=(10**5, 10**5))", (10 ** 5, 10 ** 5), "float64", "74.5 GiB"),
    ("np.full_like(np.ones(3), 7, shape=(10**5, 10**5))", (10 ** 5, 10 ** 5), "float64", "74.5 GiB"),
    # products
    ("np.matmul(np.ones((50000, 1)), np.ones((1, 50000)))", (50000, 50000), "float64", "18.6 GiB"),
    ("np.dot(np.ones((50000, 1)), np.ones((1, 50000)))", (50000, 50000), "float64", "18.6 GiB"),
    ("np.ones((50000, 1)).dot(np.ones((1, 50000)))", (50000, 50000), "float64", "18.6 GiB"),
    ("np.ones((8, 20000, 1)) @ np.ones((1, 20000))", (8, 20000, 20000), "float64", "23.8 GiB"),
    # the operators, with a list as one operand
    ("np.ones((50000, 1)) * [[1.0] * 50000]", (50000, 50000), "float64", "18.6 GiB"),
    ("np.ones((50000, 1)) % np.ones(50000)", (50000, 50000), "float64", "18.6 GiB"),
    ("np.ones((50000, 1), dtype=np.int64) << np.ones(50000, dtype=np.int64)", (50000, 50000), "int64",
     "18.6 GiB"),
    # conversions of nested lists: measured from their first items before NumPy walks them
    ("np.array([[0] * 10**4] * 10**5)", (10 ** 5, 10 ** 4), "int64", "7.5 GiB"),
    ("np.asarray([[0.5] * 10**4] * 10**5)", (10 ** 5, 10 ** 4), "float64", "7.5 GiB"),
    ("np.sum([[1] * 10**4] * 10**5)", (10 ** 5, 10 ** 4), "int64", "7.5 GiB"),
    ("np.array(range(10**12))", (10 ** 12,), "int64", "7.3 TiB"),
    # joined arrays at their own dtype: a string array's items are as wide as its longest string
    ("np.concatenate([np.array(['x' * 10**4])] * 10**5)", (10 ** 5,), "str320000", "3.7 GiB"),
    ("np.vstack([np.array(['x' * 10**4])] * 10**5)", (10 ** 5,), "str320000", "3.7 GiB"),
]

# A program's integer-like object is read once: its __index__ is what NumPy would use, whatever
# its __int__ says.
SLY = "class X:\n    def __int__(self):\n        return 1\n    def __index__(self):\n        return 10**10\n"


@pytest.mark.parametrize("call", ["np.ones([X()])", "np.ones(X())", "np.full((X(),), 1.0)", "np.linspace(0, 1, X())",
                                  "np.zeros_like(np.ones(2), shape=X())", "np.random.rand(X())",
                                  "np.random.randint(0, 2, size=X())", "np.random.normal(0, 1, X())"])
def test_a_size_given_by_a_programs_object_is_read_once(call):
    error = error_of(SLY + call)
    assert error.kind == "RuntimeError" and "shape (10000000000,)" in error.message


@pytest.mark.parametrize("source, shape, dtype, nbytes", NUMPY_CASES)
def test_numpy_functions_check_their_results_before_numpy_allocates(source, shape, dtype, nbytes):
    error = error_of(source)
    assert (error.kind, error.message) == ("RuntimeError", array_over_the_limit(shape, dtype, nbytes))


# 3 * 10**6 int8 items (2.9 MiB) under a 4 MiB limit: what widens them is refused.
WIDENING_CASES = [
    ("x.astype(np.float64)", (3 * 10 ** 6,), "float64", "22.9 MiB"),
    ("x.astype(np.int16)", (3 * 10 ** 6,), "int16", "5.7 MiB"),
    ("np.array(x, dtype=np.float32)", (3 * 10 ** 6,), "float32", "11.4 MiB"),
    ("x.cumsum()", (3 * 10 ** 6,), "int64", "22.9 MiB"),  # NumPy accumulates int8 as int64
    ("np.cumsum(x)", (3 * 10 ** 6,), "int64", "22.9 MiB"),
    ("x.std()", (3 * 10 ** 6,), "float64", "22.9 MiB"),  # its float64 temporary
    ("np.var(x)", (3 * 10 ** 6,), "float64", "22.9 MiB"),
    ("np.exp(x)", (3 * 10 ** 6,), "float16", "5.7 MiB"),
    ("np.sqrt(x)", (3 * 10 ** 6,), "float16", "5.7 MiB"),
    ("x.clip(np.zeros((2, 1)))", (2, 3 * 10 ** 6), "float64", "45.8 MiB"),
    ("np.clip(x, 0, np.ones((2, 1)))", (2, 3 * 10 ** 6), "float64", "45.8 MiB"),
    ("np.where(x)", (1, 3 * 10 ** 6), "int64", "22.9 MiB"),  # the indices of the nonzero items
    ("x.dot(np.ones((1, 3)))", None, None, None),  # shapes NumPy refuses: its own error, not ours
]


@pytest.mark.parametrize("source, shape, dtype, nbytes", WIDENING_CASES)
def test_numpy_results_wider_than_their_operands_are_checked(source, shape, dtype, nbytes):
    limits.set_max_memory(4 * MiB)
    error = error_of(f"x = np.ones(3 * 10**6, dtype=np.int8)\n{source}")
    if shape is None:
        assert error.kind == "ValueError"
        return
    assert (error.kind, error.message) == ("RuntimeError", array_over_the_limit(shape, dtype, nbytes, "4.0 MiB"))


def test_numpy_calls_within_the_limit_give_numpys_results():
    limits.set_max_memory(4 * MiB)
    x = numpy.arange(12, dtype=numpy.int8).reshape(3, 4)
    shown = values_of("x = np.arange(12, dtype=np.int8).reshape(3, 4)\nx.copy()\nx.flatten()\nx.ravel()\n"
                      "x.reshape(4, 3)\nx.cumsum()\nx.astype(np.float64)\nnp.maximum(x, 5)\nnp.exp(x)\n"
                      "x.clip(2, 9)\nx.dot(x.T)\nnp.where(x > 5)\nnp.array([[1, 2.5], [3, 4]])\nx.tolist()")
    expected = [x.copy(), x.flatten(), x.ravel(), x.reshape(4, 3), x.cumsum(), x.astype(numpy.float64),
                numpy.maximum(x, 5), numpy.exp(x), x.clip(2, 9), x.dot(x.T), numpy.where(x > 5),
                numpy.array([[1, 2.5], [3, 4]]), x.tolist()]
    for got, want in zip(shown, expected):
        if isinstance(want, tuple):
            assert all(numpy.array_equal(g, w) for g, w in zip(got, want))
        elif isinstance(want, list):
            assert got == want
        else:
            assert got.dtype == want.dtype and numpy.array_equal(got, want)


@pytest.mark.parametrize("source", [
    "np.ones(2).astype(object)",
    "np.ones(2).astype(dtype=object)",
    "np.ones(2).astype('O')",
    "np.array([1, 2], dtype=object)",
    "np.zeros(3, dtype=object)",
    "np.ones_like(np.ones(2), dtype=object)",
])
def test_arrays_of_python_objects_stay_refused(source):
    error = error_of(source)
    assert error.kind == "TypeError" and error.message.startswith("arrays of Python objects (dtype=object)")


def test_tolist_is_checked_against_the_limit():
    # Each item becomes a Python object: a pointer and at least a 24-byte number.
    error = error_of("np.ones(10**8, dtype=np.int8).tolist()")
    assert (error.kind, error.message) == ("MemoryError", over_the_limit("tolist(): a list of 100000000 items",
                                                                         "3.0 GiB"))


def test_long_nested_lists_convert_as_numpy_would():
    rows = [[1, 2.5]] * (2 * 10 ** 6)
    flat = [0, 1.5] + [2] * (3 * 10 ** 6)
    shown = values_of("rows = [[1, 2.5]] * (2 * 10**6)\nnp.array(rows)\nnp.array(rows, dtype=np.float32)\n"
                      "flat = [0, 1.5] + [2] * (3 * 10**6)\nnp.array(flat)\nnp.asarray(range(5, 3 * 10**6, 3))\n"
                      "np.zeros((3, 2 * 10**6)).tolist()[2][-1]")
    for got, want in zip(shown, [numpy.array(rows), numpy.array(rows, dtype=numpy.float32), numpy.array(flat),
                                 numpy.asarray(range(5, 3 * 10 ** 6, 3))]):
        assert got.dtype == want.dtype and numpy.array_equal(got, want)
    assert shown[-1] == 0.0
    error = error_of("np.array([[1] * 3 * 10**6, [2] * 3 * 10**5])")
    assert error.kind == "ValueError" and "inhomogeneous" in error.message


def _interrupted_after(source: str, seconds: float) -> float:
    """Run source, raising SIGINT after `seconds`; how long the KeyboardInterrupt took to arrive."""
    timer = threading.Timer(seconds, lambda: signal.raise_signal(signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            Session().run(source, "<t>")
    finally:
        timer.cancel()
    return time.monotonic() - start - seconds


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread() or sys.platform == "win32",
                    reason="signals reach the main thread only")
def test_a_long_nested_list_converts_in_pieces_that_ctrl_c_stops():
    # 10**9 items fit under a 16 GiB limit; NumPy alone would walk them for a minute in C.
    import resource

    limits.set_max_memory(16 * GiB)
    cap = resource.getrlimit(resource.RLIMIT_AS)
    limits.limit_process_memory(2 * GiB)  # so that the test cannot take the machine's memory either way
    try:
        assert _interrupted_after("np.array([[0] * 10**4] * 10**5)", 0.3) < 0.5
    finally:
        resource.setrlimit(resource.RLIMIT_AS, cap)


# ---------------------------------------------------------------- reductions over a range

def _tensorsh(source: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tensorsh", "--max-memory", "1G", "-c", source],
                          capture_output=True, text=True, timeout=timeout, check=False)


def _series(r: range) -> int:
    """The sum of an arithmetic series: the number of terms times the mean of the first and last."""
    return len(r) * (r[0] + r[-1]) // 2


def test_reductions_over_a_long_range_answer_as_python_does_at_once():
    # In a process of its own: Python's builtins would run for hours here, deaf to the test's timeout.
    n = 10 ** 13
    done = _tensorsh(f"n = {n}\nprint(sum(range(n)), sum(range(n, 0, -3), 7), max(range(n)), min(range(n, 0, -7)),"
                     " any(range(n)), all(range(1, n)), all(range(-n, 1)), min(range(0, -n, -1)))", timeout=20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(v) for v in (
        _series(range(n)), 7 + _series(range(n, 0, -3)), n - 1, range(n, 0, -7)[-1], True, True, False, -n + 1)]
    assert _series(range(10 ** 6, -5, -3)) == sum(range(10 ** 6, -5, -3))


@pytest.mark.parametrize("source", [
    "sum(range(3 * 10**6), 0.5)",
    "max(range(-2 * 10**6, 2 * 10**6), key=abs)",
    "min(range(-2 * 10**6, 2 * 10**6), key=abs)",
    "max(range(2 * 10**6, -2 * 10**6, -1), key=lambda x: x % 1000)",
    "sorted(range(3 * 10**6, 0, -2))",
    "sorted(range(3 * 10**6), key=lambda x: -x, reverse=True)[:5]",
    "sum(range(2 * 10**6), 0.1)",
    "sum(range(10**7, 0, -3), 7)",
    "sum(range(-5, 5 * 10**6, 7))",
    "any(range(0, 10**7, 10**7))",
    "all(range(-10**7, 0))",
    "sum(range(10))",
    "min(range(10**7), default=3)",
])
def test_reductions_in_pieces_give_pythons_answer(source):
    assert values_of(source) == [eval(source, {"__builtins__": __builtins__})]


def test_iter_with_a_sentinel_is_pythons():
    source = ("it = iter([3, 2, 1, 0, 5].pop, 0)\nfirst = list(it)\nafter = list(it)\n"
              "calls = []\ndef f():\n    calls.append(1)\n    return len(calls)\n"
              "[first, after, list(iter(f, 3)), 2 in iter(f, 9), str(type(iter(f, 0)))]")
    expected = {}
    exec(source.replace("[first", "result = [first"), expected)  # noqa: S102 - CPython, the reference
    assert values_of(source) == [expected["result"]]


def test_nested_zips_and_enumerates_end_in_a_recursion_error_not_a_crash():
    for nest in ("zip(x)", "enumerate(x)", "zip(x, x)", "enumerate(zip(x))"):
        error = error_of(f"x = iter([1])\nfor i in range(10**6):\n    x = {nest}\nnext(x)")
        assert error.kind == "RecursionError", nest


def test_sorted_over_a_long_range_is_checked_against_the_limit():
    error = error_of("sorted(range(10**12))")
    assert (error.kind, error.message) == ("MemoryError",
                                           over_the_limit("sorted(): a list of 1000000000000 items", "7.3 TiB"))


@pytest.mark.parametrize("work", [
    "sum(range(10**13), 0.5)",  # a float start: added item by item, as Python does
    "max(range(10**13), key=str)",  # a key in C: Python's max would never look up
    "min(range(-10**13, 0), key=float)",
    # iter(function, sentinel) calls function from Python code, so C consuming it sees Ctrl-C
    "0.5 in iter(int, 1)",
    "set(iter(int, 1))",
    "dict.fromkeys(iter(int, 1))",
    "'x'.join(iter(str, 1))",
    "from collections import Counter\nCounter(iter(int, 1))",
])
def test_ctrl_c_stops_a_reduction_over_a_long_range(tmp_path, work):
    script = tmp_path / "work.tsh"
    script.write_text(f"print('before', flush=True)\n{work}\n")
    process = subprocess.Popen([sys.executable, "-m", "tensorsh", "--max-memory", "1G", str(script)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "before\n"
        time.sleep(1.0)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
        assert (process.returncode, out, err) == (130, "", "interrupted\n")
        assert time.monotonic() - sent < 2.0
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


# ---------------------------------------------------------------- padding and format widths

@pytest.mark.parametrize("count", ["np.int64(10**11)", "torch.tensor(10**11)"])
@pytest.mark.parametrize("template", ["'a'.ljust({})", "'a'.rjust({}, '*')", "'a'.center({})", "'1'.zfill({})"])
def test_padding_counts_of_any_integer_type_are_checked(template, count):
    error = error_of(template.format(count))
    assert (error.kind, error.message) == (
        "MemoryError", over_the_limit("a string of 100000000000 characters", "93.1 GiB"))


@pytest.mark.parametrize("count", ["np.int64(10**11)", "torch.tensor(10**11)"])
@pytest.mark.parametrize("template", ["f'{{1:>{{{}}}}}'", "'{{:>{{}}}}'.format(1, {})", "f'{{1.5:.{{{}}}f}}'"])
def test_format_widths_of_any_integer_type_are_checked(template, count):
    error = error_of(template.format(count))
    assert (error.kind, error.message) == ("MemoryError", "the format width 100000000000 is too large")


@pytest.mark.parametrize("count", ["np.int64(3)", "torch.tensor(3)"])
def test_percent_star_takes_only_python_ints(count):
    # Python's own rule: `*` wants an int, not an object with __index__.
    error = error_of(f"'%*d' % ({count}, 1)")
    assert (error.kind, error.message) == ("TypeError", "* wants int")


@pytest.mark.parametrize("count", ["np.int64(3)", "torch.tensor(3)"])
def test_small_padding_counts_of_any_integer_type_work(count):
    assert values_of(f"'a'.ljust({count})\n'a'.center({count}, '*')\n'1'.zfill({count})\nf'{{1:>{{{count}}}}}'") == \
        ["a".ljust(3), "a".center(3, "*"), "1".zfill(3), f"{1:>{3}}"]
