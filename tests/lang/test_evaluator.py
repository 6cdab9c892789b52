"""The evaluator on plain Python values: every statement and expression form.

Expected values are Python's own results for the same source (the language is a
Python subset), written out by hand.
"""

from __future__ import annotations

import pytest

from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session


def python_session(printed=None):
    return Session(write=printed.append if printed is not None else lambda text: None)


def run(source, session=None):
    """What the program displays, as a list of values."""
    shown = []
    (session or python_session()).run(source, "<test>", shown.append)
    return shown


def value(source):
    shown = run(source)
    assert len(shown) == 1, shown
    return shown[0]


def error_of(source, session=None):
    with pytest.raises(TensorshError) as info:
        run(source, session)
    return info.value


# ---------------------------------------------------------------- display rule

def test_top_level_expressions_are_displayed_unless_none_or_silenced():
    assert run("1\nNone\n2;\n'x'") == [1, "x"]
    assert run("a = 5\na") == [5]  # assignments show nothing
    assert run("a = 1; a; a;") == [1]


def test_print_writes_through_the_session_writer():
    printed = []
    session = python_session(printed)
    assert run("print('dim: ', 2, ', shape: ', (2, 5))\nprint(1, 2, sep='-', end='!')", session) == []
    assert printed == ["dim:  2 , shape:  (2, 5)\n", "1-2!"]


# ---------------------------------------------------------------- expressions

@pytest.mark.parametrize("source,expected", [
    ("1 + 2 * 3", 7), ("7 // 2", 3), ("7 % 3", 1), ("2 ** 10", 1024), ("-2 ** 2", -4), ("7 / 2", 3.5),
    ("6 & 3", 2), ("6 | 3", 7), ("6 ^ 3", 5), ("1 << 4", 16), ("32 >> 2", 8), ("~5", -6), ("+3", 3),
    ("1 < 2 < 3", True), ("1 < 3 < 2", False), ("2 in [1, 2]", True), ("2 not in (1, 2)", False),
    ("None is None", True), ("1 is not None", True), ("1 == 1.0 != 2", True),
    ("0 or 5", 5), ("3 and 0", 0), ("not 0", True), ("[] or 'empty'", "empty"),
    ("'yes' if 1 > 0 else 'no'", "yes"), ("'yes' if 0 else 'no'", "no"),
    ("(lambda x, y=10: x * y)(3)", 30), ("(lambda x, y=10: x * y)(3, y=2)", 6),
    ("(lambda: 42)()", 42),
    ("[1, 2, 3][::-1]", [3, 2, 1]), ("[1, 2, 3][-1]", 3), ("'hello'[1:4]", "ell"), ("(1, 2, 3)[1:]", (2, 3)),
    ("max(3, 7, 5)", 7), ("min([4, 2])", 2), ("sum(range(5))", 10), ("len('abc')", 3), ("abs(-2.5)", 2.5),
    ("round(2.567, 2)", 2.57), ("int('12') + float('0.5')", 12.5), ("bool(0)", False), ("str(12)", "12"),
    ("list(range(3))", [0, 1, 2]), ("tuple([1, 2])", (1, 2)), ("max(*[1, 9, 3])", 9),
    ("sorted([3, 1, 2], reverse=True)", [3, 2, 1]), ("list(zip([1, 2], 'ab'))", [(1, "a"), (2, "b")]),
    ("'a,b'.split(',')", ["a", "b"]), ("' x '.strip().upper()", "X"), ("(2.5).is_integer()", False),
    ("1_000 + 0x10", 1016), ("1e-3", 0.001), ("(1+2j).imag", 2.0),
])
def test_expression_values(source, expected):
    assert value(source) == expected


def test_lambda_closes_over_its_scope():
    assert run("k = 3\nadd = lambda a: lambda b: a + b + k\nadd(1)(2)") == [6]
    assert run("f = lambda n: 1 if n == 0 else n * f(n - 1)\nf(5)") == [120]


def test_short_circuit_does_not_evaluate_the_other_side():
    assert run("0 and undefined_name") == [0]
    assert run("1 or undefined_name") == [1]
    assert run("1 if True else undefined_name") == [1]
    assert run("1 < 0 < undefined_name") == [False]


# ---------------------------------------------------------------- statements

def test_assignment_forms():
    assert run("a = b = 2\na, b") == [(2, 2)]
    assert run("a, b = 1, 2\na, b = b, a\n(a, b)") == [(2, 1)]
    assert run("[a, (b, c)] = [1, (2, 3)]\na + b + c") == [6]
    assert run("x = [0, 0, 0]\nx[1] = 5\nx[::2] = [7, 8]\nx") == [[7, 5, 8]]


def test_augmented_assignment_is_in_place_like_python():
    # list += extends the same list object: the alias sees it (Python's __iadd__).
    assert run("a = [1]\nb = a\na += [2]\nb") == [[1, 2]]
    # tuples have no __iadd__: a new tuple, the alias keeps the old one.
    assert run("a = (1,)\nb = a\na += (2,)\nb, a") == [((1,), (1, 2))]
    assert run("x = 5\nx -= 2\nx *= 4\nx //= 5\nx **= 3\nx %= 5\nx") == [3]
    assert run("x = [1, 2]\nx[0] += 10\nx") == [[11, 2]]


def test_blocks_run_and_only_top_level_expressions_are_shown():
    assert run("for i in range(3):\n    i * 10\n") == []
    assert run("s = 0\nfor a, b in [(1, 2), (3, 4)]:\n    s += a * b\ns") == [14]
    assert run("x = 5\nif x > 10:\n    r = 'big'\nelif x > 3:\n    r = 'medium'\nelse:\n    r = 'small'\nr") == [
        "medium"]
    assert run("if 1: 'inside'\nelse: pass") == []
    printed = []
    assert run("for i in range(2): print(i)", python_session(printed)) == []
    assert printed == ["0\n", "1\n"]


def test_unpacking_errors_say_how_many():
    assert error_of("a, b = [1, 2, 3]").message == "too many values to unpack (expected 2)"
    assert error_of("a, b, c = [1, 2]").message == "not enough values to unpack (expected 3, got 2)"
    assert error_of("a, b = 5").message == "cannot unpack non-iterable int object"


def test_variables_survive_an_error():
    session = python_session()
    with pytest.raises(TensorshError):
        session.run("x = 1\ny = x / 0\nz = 3", "<t>")
    assert session.user_variables() == {"x": 1}


# ---------------------------------------------------------------- errors with spans

def test_name_error_suggests_the_closest_name():
    error = error_of("lenght = 3\nlen(lenhgt)")
    assert (error.kind, error.message) == ("NameError", "name 'lenhgt' is not defined; did you mean 'lenght'?")
    assert (error.span.line, error.span.column, error.span.end_column) == (2, 5, 11)


def test_python_errors_keep_their_class_and_get_the_failing_node():
    error = error_of("x = [1, 2]\n1 + x[5]")
    assert (error.kind, error.message) == ("IndexError", "list index out of range")
    assert (error.span.line, error.span.column, error.span.end_column) == (2, 5, 9)
    assert error_of("1 / 0").kind == "ZeroDivisionError"
    assert error_of("'a' + 1").kind == "TypeError"
    assert error_of("int('x')").kind == "ValueError"
    assert error_of("2.0 ** 10000").kind == "OverflowError"


def test_calling_a_non_callable():
    error = error_of("x = 3\nx(1)")
    assert (error.kind, error.message) == ("TypeError", "'int' object is not callable")


def test_wrong_arguments_name_the_argument_and_show_the_signature():
    error = error_of("print(1, sepp=' ')")
    assert error.message == "print() got an unexpected keyword argument 'sepp'; did you mean 'sep'?"
    assert error.note == "signature: print(*values, sep=' ', end='\\n', flush=False)"
    assert (error.span.column, error.span.end_column) == (10, 18)
    error = error_of("f = lambda x, y=1: x\nf(1, 2, 3)")
    assert error.message == "<lambda>() takes 2 positional arguments but 3 were given"
    assert (error.span.column, error.span.end_column) == (9, 10)
    assert error.note == "signature: <lambda>(x, y=1)"
    assert error_of("len()").message == "len() missing a required argument: 'obj'"


def test_recursion_is_a_runtime_error_not_a_crash():
    error = error_of("f = lambda n: f(n + 1)\nf(0)")
    assert error.kind == "RecursionError" and "maximum recursion depth" in error.message


def test_star_argument_must_be_iterable():
    assert error_of("max(*5)").message == "max() argument after * must be an iterable, not int"


def test_with_needs_a_context_manager():
    assert error_of("with 5: pass").message == "'int' object does not support the context manager protocol"


def test_a_value_that_fails_to_print_is_an_internal_error():
    class Unprintable:
        def __repr__(self):
            raise ValueError("broken repr")

    names = {"thing": Unprintable()}
    with pytest.raises(TensorshError) as info:
        Session(builtins=names).run("thing", "<t>", lambda value: repr(value))
    assert info.value.internal and info.value.message == "ValueError: broken repr"


def test_a_program_class_that_fails_to_print_is_the_programs_error():
    source = "class Unprintable:\n    def __repr__(self):\n        raise ValueError('broken repr')\nUnprintable()"
    with pytest.raises(TensorshError) as info:
        python_session().run(source, "<t>", lambda value: repr(value))
    assert not info.value.internal and (info.value.kind, info.value.message) == ("ValueError", "broken repr")
    assert info.value.span.line == 3
