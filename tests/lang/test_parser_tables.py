"""The compiled parser: its tables match the grammar, and its runtime does what Lark does.

tensorsh parses with tables compiled from grammar/tensorsh.lark ahead of time
(scripts/build_parser_tables.py) and a small runtime (tensorsh.lang.lalr). Lark itself
is the reference here: the tables must be what Lark computes from the grammar today,
and on any text the runtime must build the tree Lark builds, with the same positions.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tensorsh.lang import ast, lalr
from tensorsh.lang import parser as tensorsh_parser
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.parser import parse

ROOT = Path(__file__).resolve().parents[2]

_spec = importlib.util.spec_from_file_location("build_parser_tables", ROOT / "scripts" / "build_parser_tables.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)


@pytest.fixture(scope="module")
def lark_parser():
    return build._lark(build.GRAMMAR.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the tables are the grammar's

def test_the_committed_tables_are_what_the_grammar_compiles_to():
    expected = build.generate(build.GRAMMAR.read_text(encoding="utf-8"))
    committed = build.TABLES.read_text(encoding="utf-8")
    assert committed == expected, "grammar_tables.py is stale: run scripts/build_parser_tables.py"


def test_a_changed_grammar_makes_the_check_fail(tmp_path, monkeypatch):
    grammar = build.GRAMMAR.read_text(encoding="utf-8").replace('!pow_op: "**"', '!pow_op: "**" | "^^"')
    monkeypatch.setattr(build, "GRAMMAR", tmp_path / "tensorsh.lark")
    build.GRAMMAR.write_text(grammar, encoding="utf-8")
    assert build.main(["--check"]) == 1
    monkeypatch.undo()
    assert build.main(["--check"]) == 0


def test_every_rule_has_a_builder():
    names = {rule[2] for rule in tensorsh_parser._tables.RULES if rule[2] is not None}
    assert names <= set(tensorsh_parser._BUILDERS)


# ---------------------------------------------------------------- the runtime is Lark's equal

def _lark_ast(lark_parser, text: str):
    """The AST from Lark's tree for text, built by the same builders (Lark's shape and positions)."""
    from lark import Token, Tree
    from lark.indenter import PythonIndenter

    def convert(node):
        if isinstance(node, Token):
            return lalr.Token(node.type, node.value, node.start_pos, node.line, node.column, node.end_line,
                              node.end_column, node.end_pos)
        if not isinstance(node, Tree):
            return node
        children = [convert(child) for child in node.children]
        place = None if node.meta.empty else (node.meta.line, node.meta.column, node.meta.end_line,
                                              node.meta.end_column)
        return tensorsh_parser._BUILDERS[node.data](place, children)

    class Clamped(PythonIndenter):  # a stray closing bracket is left for the parser, as in lalr.tokens
        def _process(self, stream):
            yield from super()._process(self._clamp(stream))

        def _clamp(self, stream):
            depth = 0
            for token in stream:
                if token.type in self.OPEN_PAREN_types:
                    depth += 1
                elif token.type in self.CLOSE_PAREN_types:
                    if depth == 0:
                        token.type = "UNMATCHED_" + token.type
                    else:
                        depth -= 1
                yield token

    lark_parser.parser.lexer.postlexer = Clamped()
    return convert(lark_parser.parse(text))


def _dump(node):
    """A node as plain data, spans included (node equality leaves them out)."""
    if dataclasses.is_dataclass(node):
        return (type(node).__name__,) + tuple((f.name, _dump(getattr(node, f.name)))
                                             for f in dataclasses.fields(node))
    if isinstance(node, (tuple, list)):
        return tuple(_dump(item) for item in node)
    return (type(node).__name__, node)


def _outcome(run, text: str):
    try:
        return "tree", _dump(run(text))
    except TensorshError as error:
        return "error", error.message
    except Exception as error:  # noqa: BLE001 - compared by kind and position only
        kind = type(error).__name__.replace("Characters", "Character")
        token = getattr(error, "token", None)
        where = (token.type, token.start_pos) if token is not None else getattr(error, "pos_in_stream",
                                                                                 getattr(error, "pos", None))
        return kind, where


def _ours(text: str):
    return tensorsh_parser._get_parser().parse(text)


EXAMPLES = [
    "x = tensor([[1, 2], [3, 4]], dtype=torch.float32)\nx.sum(dim=0, keepdim=True)\n",
    "if a:\n    b = 1\nelif c:\n  d\nelse:\n\tpass\ne\n",
    "for i, (a, b) in enumerate(zip(x, y)):  # comment\n    s += a * b ** -i\n\n# end\n",
    "with torch.no_grad():\n    w -= lr * w.grad; w.grad = None;\n",
    "f = lambda x, y=2,: x if x > y else (y, )\nt[..., None, 1:, ::2, :-1:3]\n",
    "from torch.nn import (functional as F,\n    Linear,)\nimport numpy as np, torch\n",
    "a = b = c = 'x' \"y\" r'\\n' '''z\n'''\nnot a in b is not c\n",
    "x = (\n  1 +\n  2)\ny = [1,\n\n 2,\n]\nz = 1 + \\\n  2\n",
    "0x1F + 0o17 + 0b1 + 1_000 + 1.5e-3 + .5 + 2. + 3j + 0\n",
    "if x:\n    if y:\n        z\nw\n",
]


@pytest.mark.parametrize("text", EXAMPLES + [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/*.tsh"))])
def test_programs_parse_to_what_lark_builds(lark_parser, text):
    assert _outcome(_ours, text) == _outcome(lambda t: _lark_ast(lark_parser, t), text)


FRAGMENTS = ["x", "t", "1", "2.5", "'s'", "(", ")", "[", "]", ",", ":", ";", ".", "=", "+", "-", "*", "**",
             "/", "@", "<", "==", "not ", " and ", " or ", " if ", " else ", "lambda ", "import ", "from ",
             " as ", "...", "None", "\n", "    ", "#c", "\\\n", "{", "$", "\t", "if ", "for ", " in ", "with ",
             "pass", "else:", "elif ", " is not ", "+=", "f(a=1)", "x[1:2]", "'''", "\n  ", "0x1", "3j"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
def test_any_fragments_parse_or_fail_as_with_lark(lark_parser, text):
    text += "\n"
    assert _outcome(_ours, text) == _outcome(lambda t: _lark_ast(lark_parser, t), text)


# ---------------------------------------------------------------- deep and long input

def _syntax_error(text: str) -> TensorshError:
    with pytest.raises(TensorshError) as info:
        parse(text, "deep.tsh")
    assert info.value.kind == "SyntaxError"
    return info.value


@pytest.mark.parametrize("text", [
    "(" * 10_000 + "1" + ")" * 10_000, "[" * 10_000 + "]" * 10_000, "-" * 10_000 + "1",
    "+".join(["1"] * 10_000), "f" + "(1)" * 10_000, "x = " + "a." * 10_000 + "b", "2" + " ** 2" * 10_000,
    "lambda: " * 10_000 + "1",
])
def test_nesting_deeper_than_the_limit_is_a_located_syntax_error(text):
    error = _syntax_error(text)
    assert error.message == "the program is nested too deeply to parse"
    assert error.span.line == 1 and error.span.end_column == error.span.column + 1


def test_nesting_at_the_limit_parses_and_one_more_level_does_not():
    # Every node counts, the statement and the line of statements too: [] is 1 deep, [[]] 2, ...
    depth = tensorsh_parser.MAX_DEPTH - 3
    node = parse("[" * depth + "]" * depth).body[0].value
    for _ in range(depth - 1):
        node = node.elts[0]
    assert node == ast.List(())
    error = _syntax_error("[" * (depth + 1) + "]" * (depth + 1))
    assert error.span == ast.Span(1, 1, 1, 2)  # the outermost bracket: the node that went too deep


def test_ten_thousand_open_brackets_are_never_closed():
    error = _syntax_error("[" * 10_000)
    assert (error.message, error.span.column, error.incomplete) == ("'[' was never closed", 10_000, True)


def test_a_syntax_error_after_a_too_deep_expression_is_reported_first():
    error = _syntax_error("x = " + "-" * 300 + "1\ny = = 2\n")
    assert (error.message, error.span.line) == ("unexpected '='; expected an expression", 2)


@pytest.mark.parametrize("make_line", [
    # Python expressions that make the line, evaluated in the subprocess.
    "\"x = '\" + 'a' * 10_000_000 + \"'\"",      # one 10 MB string
    "\"x = '\" + ('ab' + chr(92) + chr(39)) * 2_500_000",  # escaped quotes, never closed
    "'a' * 10_000_000 + ' = 1'",                  # one 10 MB name
    # Lines of many tokens, 1 MB (a quadratic parser would take hours; this one takes seconds).
    "'x = 1' + ' + 1' * 250_000",                 # too deep: reported after one pass to the end
    "'x = (' + '1, ' * 330_000 + ')'",            # a 330,000-element tuple
    "'# ' + '(' * 10_000_000",                    # a comment
])
def test_a_long_line_is_parsed_in_linear_time(make_line):
    # In a subprocess with a timeout, so that a quadratic tokenizer fails the test instead of hanging it.
    code = ("from tensorsh.lang.parser import parse; from tensorsh.lang.errors import TensorshError\n"
            f"text = {make_line}\n"
            "assert len(text) > 900_000\n"
            "try:\n    module = parse(text)\n    print('ok', len(module.body))\n"
            "except TensorshError as e:\n    print('error', e.message)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] in ("ok", "error")


# ---------------------------------------------------------------- the tokenizer tries fewer terminals

_TOKEN_TEXT = st.lists(st.sampled_from(
    [chr(i) for i in range(128)] + list("éπ∑λ") + ["0x1F", "1e5", "1.5j", "0b10", "r'x'", "u\"y\"", "**=", "//", "->",
                                                   "...", "!=", "<<=", "# c\n", "\\\n", "_a1", "if", "lambda"]),
    min_size=1, max_size=8).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_TOKEN_TEXT)
def test_trying_only_the_terminals_a_character_can_start_matches_what_all_of_them_match(text):
    from tensorsh.lang import grammar_tables

    everything = "|".join(f"(?P<{name}>{pattern})" for name, pattern in grammar_tables.TERMINALS)
    whole = re.compile(everything, grammar_tables.PATTERN_FLAGS).match(text)
    fast = lalr._scanner_for(text[0])(text, 0)
    assert (whole and (whole.lastgroup, whole.end())) == (fast and (fast.lastgroup, fast.end()))


def test_first_characters_are_computed_from_the_patterns():
    assert build._first_chars(r"[0-9]+", 0) == "0123456789"
    assert build._first_chars(r"(?:ab|c)d", 0) == "ac"
    assert build._first_chars(r"x?y", 0) == "xy"
    assert build._first_chars(r"(?i:q)", 0) == "Qq"
    assert build._first_chars(r"[^\W\d]\w*", 0) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    assert build._first_chars(r"a*", 0) is None  # can match nothing: tried everywhere
    assert build._first_chars(r".b", 0) is None  # any character
