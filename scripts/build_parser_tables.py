"""Compile grammar/tensorsh.lark into tensorsh/lang/grammar_tables.py, the parser's tables.

    .venv/bin/python scripts/build_parser_tables.py          # rewrite the tables module
    .venv/bin/python scripts/build_parser_tables.py --check  # exit 1 if it is stale

As CPython builds its parser from its grammar file: Lark (a build-time tool here) reads
the grammar and computes the tokenizer's regular expressions, the LALR(1) action/goto
table and, per rule, how Lark would shape its tree (which children are kept, inlined or
filled with None, and whether a one-child `?rule` passes its child through). The result
is a module of plain literals that `tensorsh.lang.lalr` runs without Lark.

States are renumbered breadth-first from the start state, and rules sorted, so the
output depends on the grammar and Lark's algorithm only, not on hash seeds.
"""

from __future__ import annotations

import argparse
import hashlib
import pprint
import sys
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR = ROOT / "grammar" / "tensorsh.lark"
TABLES = ROOT / "tensorsh" / "lang" / "grammar_tables.py"

# The options the runtime reproduces; anything else would change the trees Lark builds.
OPTIONS = {"parser": "lalr", "lexer": "basic", "propagate_positions": True, "maybe_placeholders": True}


def _lark(grammar: str):
    from lark import Lark
    from lark.indenter import PythonIndenter

    # The postlexer only inserts _INDENT/_DEDENT tokens; it does not change the tables.
    return Lark(grammar, postlex=PythonIndenter(), **OPTIONS)


def _lexer_tables(parser) -> dict:
    from lark.lexer import PatternStr

    lexer = parser.parser.lexer.lexer  # the BasicLexer behind the postlex connector
    scanner = lexer.scanner  # built on first use: terminals minus keywords, plus keyword callbacks
    keywords = {}
    for name, callback in sorted(lexer.callback.items()):
        # Lark re-types a matched NAME as the keyword whose literal it fully matches: a
        # dict lookup does the same as long as the keywords are plain, flagless strings.
        if type(callback).__name__ != "UnlessCallback" or any(
                not isinstance(t.pattern, PatternStr) or t.pattern.flags for t in callback.scanner.terminals):
            raise SystemExit(f"lexer callback for {name}: the runtime supports plain keywords only")
        keywords[str(name)] = {str(t.pattern.value): str(t.name) for t in callback.scanner.terminals}
    literals = {str(t.name): str(t.pattern.value) for t in parser.terminals if isinstance(t.pattern, PatternStr)}
    flags = scanner._mres[0].flags if scanner._mres else 0
    terminals = [(str(t.name), t.pattern.to_regexp()) for t in scanner.terminals]
    if "|".join(f"(?P<{name}>{regexp})" for name, regexp in terminals) != "|".join(m.pattern for m in scanner._mres):
        raise SystemExit("Lark's scanner is no longer its terminals' patterns in order: update the runtime")
    return {
        # Lark's scanner tries these named patterns in this order, the first match winning;
        # with each, the ASCII characters a match can begin with (None: any, or it may match
        # nothing), so that the tokenizer tries at each place only those that can start there.
        "TERMINALS": tuple(terminals),
        "PATTERN_FLAGS": flags,
        "FIRST_CHARS": {name: _first_chars(regexp, flags) for name, regexp in terminals},
        "KEYWORDS": keywords,
        "NEWLINE_TYPES": tuple(sorted(map(str, lexer.newline_types))),
        "IGNORE_TYPES": tuple(sorted(map(str, lexer.ignore_types))),
        "LITERALS": dict(sorted(literals.items())),
    }


def _first_chars(regexp: str, flags: int) -> str | None:
    """The ASCII characters a match of `regexp` can begin with, or None if it can begin with
    any character or match the empty string. A superset is safe (a terminal is tried where
    it cannot match); a missing character is not, so anything not understood gives None."""
    import re
    from re import _constants as sre
    from re import _parser as sre_parse

    everything = frozenset(map(chr, range(128)))
    categories = {
        sre.CATEGORY_DIGIT: frozenset("0123456789"),
        sre.CATEGORY_WORD: frozenset(c for c in everything if c.isalnum() or c == "_"),
        sre.CATEGORY_SPACE: frozenset(" \t\n\r\f\v"),
    }
    categories[sre.CATEGORY_NOT_DIGIT] = everything - categories[sre.CATEGORY_DIGIT]
    categories[sre.CATEGORY_NOT_WORD] = everything - categories[sre.CATEGORY_WORD]
    categories[sre.CATEGORY_NOT_SPACE] = everything - categories[sre.CATEGORY_SPACE]

    def with_case(chars, ignore_case):
        return chars | {c.swapcase() for c in chars} if ignore_case else chars

    def char_class(items, ignore_case):
        chars, negate = set(), False
        for op, arg in items:
            if op is sre.NEGATE:
                negate = True
            elif op is sre.LITERAL:
                if arg < 128:
                    chars.add(chr(arg))
            elif op is sre.RANGE:
                chars.update(map(chr, range(arg[0], min(arg[1], 127) + 1)))
            elif op is sre.CATEGORY and arg in categories:
                chars |= categories[arg]
            else:
                return None
        chars = with_case(chars, ignore_case)
        return everything - chars if negate else chars

    def first(items, ignore_case):
        """(characters or None for any, whether the sequence can match the empty string)."""
        found = set()
        for op, arg in items:
            if op is sre.LITERAL:
                chars, empty = with_case({chr(arg)}, ignore_case) if arg < 128 else set(), False
            elif op is sre.IN:
                chars, empty = char_class(arg, ignore_case), False
            elif op is sre.BRANCH:
                chars, empty = set(), False
                for branch in arg[1]:
                    branch_chars, branch_empty = first(branch, ignore_case)
                    if branch_chars is None:
                        return None, False
                    chars |= branch_chars
                    empty = empty or branch_empty
            elif op is sre.SUBPATTERN:
                _, add_flags, del_flags, inner = arg
                case = (ignore_case or bool(add_flags & re.I)) and not del_flags & re.I
                chars, empty = first(inner, case)
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                low, _, inner = arg
                chars, empty = first(inner, ignore_case)
                empty = empty or low == 0
            elif op is sre.ATOMIC_GROUP:
                chars, empty = first(arg, ignore_case)
            elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
                chars, empty = set(), True  # zero-width: ignoring what it demands only widens the set
            else:
                return None, False
            if chars is None:
                return None, False
            found |= chars
            if not empty:
                return found, False
        return found, True

    chars, empty = first(sre_parse.parse(regexp, flags), bool(flags & re.I))
    return None if chars is None or empty else "".join(sorted(chars))


def _shape(rule, chain) -> tuple:
    """How Lark's ParseTreeBuilder shapes this rule's children: (expand1, include, nones_after).

    include is None when the children are kept as they are, else a tuple of
    (child index, inline its children, Nones to insert before it).
    """
    from lark.parse_tree_builder import (ChildFilterLALR, ChildFilterLALR_NoPlaceholders, ExpandSingleChild,
                                         PropagatePositions)

    expand1, include, nones_after = False, None, 0
    for wrapper in chain:
        if wrapper is ExpandSingleChild:
            expand1 = True
        elif wrapper is PropagatePositions:
            pass
        elif getattr(wrapper, "func", None) is ChildFilterLALR:
            include = tuple((i, bool(x), n) for i, x, n in wrapper.args[0])
            nones_after = wrapper.args[1]
        elif getattr(wrapper, "func", None) is ChildFilterLALR_NoPlaceholders:
            include = tuple((i, bool(x), 0) for i, x in wrapper.args[0])
        else:
            raise SystemExit(f"unknown tree-builder step {wrapper!r} for rule {rule}: update the runtime")
    return expand1, include, nones_after


def _parser_tables(parser) -> dict:
    from lark.parsers.lalr_analysis import Shift

    table = parser.parser.parser.parser.parse_table
    builders = dict(parser._parse_tree_builder.rule_builders)
    start_name = parser.options.start[0]
    start, end = table.start_states[start_name], table.end_states[start_name]

    rules = sorted({arg for actions in table.states.values() for action, arg in actions.values()
                    if action is not Shift}, key=lambda r: (r.origin.name, [s.name for s in r.expansion], r.alias or ""))
    rule_index = {rule: i for i, rule in enumerate(rules)}
    for rule in rules:
        if not rule.expansion and rule.origin.name != start_name:
            # An empty child would have no position; Lark fills it in later from its parent,
            # which a parser that builds nodes as it reduces cannot do.
            raise SystemExit(f"empty rule {rule}: the runtime does not support it")

    # Breadth-first renumbering from the start state.
    order, seen, queue = [], {start}, deque([start])
    while queue:
        state = queue.popleft()
        order.append(state)
        for symbol, (action, arg) in sorted(table.states[state].items()):
            if action is Shift and arg not in seen:
                seen.add(arg)
                queue.append(arg)
    number = {old: new for new, old in enumerate(order)}

    states = []
    for old in order:
        row = {}
        for symbol, (action, arg) in sorted(table.states[old].items()):
            row[str(symbol)] = number[arg] if action is Shift else -1 - rule_index[arg]
        states.append(row)

    rule_rows = []
    for rule in rules:
        expand1, include, nones_after = _shape(rule, builders[rule])
        origin = str(rule.origin.name)
        # Rules named _x are inlined into their parent: no node of their own.
        callback = rule.alias or rule.options.template_source or origin
        callback = None if callback.startswith("_") else str(callback)
        if expand1:
            # The runtime passes a `?rule`'s child through untouched (same value, same
            # position), which is Lark's behaviour only for one child that is a subtree.
            only = rule.expansion[0] if len(rule.expansion) == 1 else None
            if only is None or only.is_term or only.name.startswith("_"):
                raise SystemExit(f"?-rule {rule}: the runtime passes through one non-inlined subtree only")
            callback, include = None, None
        rule_rows.append((origin, len(rule.expansion), callback, expand1, include, nones_after))
    return {"RULES": tuple(rule_rows), "STATES": tuple(states), "START_STATE": number[start],
            "END_STATE": number[end]}


def generate(grammar: str) -> str:
    """The text of the tables module for this grammar."""
    import lark

    parser = _lark(grammar)
    tables = {**_lexer_tables(parser), **_parser_tables(parser)}
    digest = hashlib.sha256(grammar.encode()).hexdigest()
    lines = [
        '"""The parser tables of grammar/tensorsh.lark. Generated: do not edit.',
        "",
        "Made by scripts/build_parser_tables.py with Lark " + lark.__version__ + "; run it again after",
        "changing the grammar (tests/lang/test_parser_tables.py fails until you do).",
        "Read by tensorsh.lang.lalr: tokens are TERMINALS' named patterns (KEYWORDS re-types a",
        "matched NAME); STATES[s][symbol] >= 0 shifts (or goes to) that state, < 0 reduces by",
        "RULES[-1 - value] = (origin, length, callback or None to inline, expand1, include, nones_after).",
        '"""',
        "",
        f"GRAMMAR_SHA256 = {digest!r}",
    ]
    for name, value in tables.items():
        lines.append("")
        lines.append(f"{name} = " + pprint.pformat(value, width=110, sort_dicts=False, compact=True))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--check", action="store_true", help="only check; exit 1 if the module is stale")
    args = options.parse_args(argv)
    text = generate(GRAMMAR.read_text(encoding="utf-8"))
    current = TABLES.read_text(encoding="utf-8") if TABLES.exists() else ""
    if args.check:
        if text != current:
            print(f"{TABLES.relative_to(ROOT)} is stale: run scripts/build_parser_tables.py", file=sys.stderr)
            return 1
        return 0
    if text != current:
        TABLES.write_text(text, encoding="utf-8")
        print(f"wrote {TABLES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
