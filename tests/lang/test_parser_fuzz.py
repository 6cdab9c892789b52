"""Property: on any text the parser returns an AST or raises our SyntaxError, never anything else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tensorsh.lang import ast
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.parser import parse

# Fragments that make near-valid programs likelier than uniform characters would.
FRAGMENTS = ["x", "t", "1", "2.5", "'s'", "(", ")", "[", "]", ",", ":", ";", ".", "=", "+", "-", "*", "**",
             "/", "@", "<", "==", "not ", " and ", " or ", " if ", " else ", "lambda ", "import ", "from ",
             " as ", "...", "None", "\n", "    ", "#c", "\\\n", "{", "$", "\t", "if ", "for ", " in ", "with "]


def check(text: str) -> None:
    try:
        module = parse(text, "fuzz.tsh")
    except TensorshError as error:
        assert error.kind == "SyntaxError" and error.message
        assert error.filename == "fuzz.tsh"
    else:
        assert isinstance(module, ast.Module)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_fragments_parse_or_fail_cleanly(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_fails_cleanly(text):
    check(text)


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    for text in ("(" * 1000 + "1" + ")" * 1000, "-" * 5000 + "1", "[" * 3000 + "]" * 3000):
        check(text)
