"""The parser's runtime: tokenizer, Python-style indentation and an LALR(1) driver.

It runs the tables that scripts/build_parser_tables.py compiles from grammar/tensorsh.lark
(`grammar_tables`), and reproduces what Lark does with the same grammar and options
(basic lexer, PythonIndenter, propagate_positions, maybe_placeholders): the same tokens,
the same tree shape, the same positions, the same errors at the same places. Unlike a
tree built first and transformed after, nodes are built as rules are reduced, by one
builder per rule name, so nothing recurses on the depth of the input.

Only `tensorsh.lang.parser` uses this module; it turns the exceptions below into
friendly syntax errors.
"""

from __future__ import annotations

import gc
import re

from tensorsh.lang import grammar_tables as _tables

_OPEN = {"LPAR", "LSQB", "LBRACE"}
_CLOSE = {"RPAR", "RSQB", "RBRACE"}
_TAB_LEN = 8  # as Python and Lark's PythonIndenter count a tab


class Token:
    """A terminal of the grammar with its text and place: 1-based lines and columns, end exclusive."""

    __slots__ = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")

    def __init__(self, type_, value, start_pos, line, column, end_line=None, end_column=None, end_pos=None):
        self.type = type_
        self.value = value
        self.start_pos = start_pos
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.end_pos = end_pos

    def borrow(self, type_: str, value: str) -> "Token":
        """A token of another type placed where this one is (as Lark's new_borrow_pos)."""
        return Token(type_, value, self.start_pos, self.line, self.column, self.end_line, self.end_column,
                     self.end_pos)

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {self.value!r})"


class UnexpectedCharacter(Exception):
    """No terminal matches the text at `pos`."""

    def __init__(self, pos: int, line: int, column: int):
        super().__init__(f"unexpected character at line {line}, column {column}")
        self.pos, self.line, self.column = pos, line, column


class UnexpectedToken(Exception):
    """The token cannot come here; `expected` are the terminals this parser state has actions for."""

    def __init__(self, token: Token, state_stack: list[int]):
        super().__init__(f"unexpected {token.type} at line {token.line}, column {token.column}")
        self.token = token
        self.state_stack = state_stack
        self.expected = {s for s in _tables.STATES[state_stack[-1]] if s.isupper()}

    def accepts(self) -> set[str]:
        """The expected terminals that the parser would really take (LALR's merged states over-promise)."""
        return {name for name in self.expected if _accepts(list(self.state_stack), name)}


class DedentError(Exception):
    """A line is indented less than its block but matches no enclosing block."""


# ---------------------------------------------------------------- tokens

_by_char: dict = {}  # an ASCII character -> the match function of the terminals that can start with it
_by_terminals: dict = {}  # those terminals -> their match function (characters share them)


def _scanner_for(char: str):
    """The match function for a token starting with `char`.

    Lark's scanner tries every terminal in turn and takes the first that matches. This
    tries, in the same order, only those that can begin with `char` (FIRST_CHARS), which
    gives the same token in a quarter of the time; any other character gets them all.
    """
    first = _tables.FIRST_CHARS
    known = char <= "\x7f"
    names = tuple(name for name, _ in _tables.TERMINALS if not known or first[name] is None or char in first[name])
    match = _by_terminals.get(names)
    if match is None:
        patterns = dict(_tables.TERMINALS)
        alternation = "|".join(f"(?P<{name}>{patterns[name]})" for name in names) or "(?!)"
        match = _by_terminals[names] = re.compile(alternation, _tables.PATTERN_FLAGS).match
    if known:
        _by_char[char] = match
    return match


def tokens(text: str):
    """The grammar's tokens of `text` after indentation handling: _NEWLINE, _INDENT, _DEDENT and the rest.

    Newlines inside brackets are dropped, and a closing bracket that closes nothing
    becomes UNMATCHED_RPAR (etc.) so that the parser can report it. Lazy, as Lark is:
    an error is raised only when the stream reaches it.
    """
    by_char = _by_char
    keywords = _tables.KEYWORDS
    newline_types = frozenset(_tables.NEWLINE_TYPES)
    ignore_types = frozenset(_tables.IGNORE_TYPES)
    pos, line, line_start, end_of_text = 0, 1, 0, len(text)
    open_brackets = 0  # for UNMATCHED_: counts brackets as the raw token stream has them
    paren_level = 0  # for indentation: inside brackets a newline is not a statement's end
    levels = [0]
    token = None
    while pos < end_of_text:
        char = text[pos]
        scan = by_char.get(char)
        if scan is None:
            scan = _scanner_for(char)
        match = scan(text, pos)
        if match is None:
            raise UnexpectedCharacter(pos, line, pos - line_start + 1)
        kind = match.lastgroup
        value = match.group()
        end = match.end()
        column = pos - line_start + 1
        start_line = line
        if kind in newline_types:
            count = value.count("\n")
            if count:
                line += count
                line_start = pos + value.rindex("\n") + 1
        if kind in ignore_types:
            pos = end
            continue
        if kind in keywords:
            kind = keywords[kind].get(value, kind)
        token = Token(kind, value, pos, start_line, column, line, end - line_start + 1, end)
        pos = end

        if kind in _OPEN:
            open_brackets += 1
        elif kind in _CLOSE:
            if open_brackets:
                open_brackets -= 1
            else:
                kind = token.type = "UNMATCHED_" + kind

        if kind == "_NEWLINE":
            if paren_level:
                continue
            yield token
            indent_text = value.rsplit("\n", 1)[1]
            indent = indent_text.count(" ") + indent_text.count("\t") * _TAB_LEN
            if indent > levels[-1]:
                levels.append(indent)
                yield token.borrow("_INDENT", indent_text)
            else:
                while indent < levels[-1]:
                    levels.pop()
                    yield token.borrow("_DEDENT", indent_text)
                if indent != levels[-1]:
                    raise DedentError(f"unexpected dedent to column {indent}; expected {levels[-1]}")
            continue
        yield token
        if kind in _OPEN:
            paren_level += 1
        elif kind in _CLOSE:
            paren_level -= 1
    while len(levels) > 1:
        levels.pop()
        yield token.borrow("_DEDENT", "")


# ---------------------------------------------------------------- the LALR driver

def _accepts(state_stack: list[int], terminal: str) -> bool:
    """Whether `terminal` could be shifted after the reductions it triggers from this stack."""
    states, rules = _tables.STATES, _tables.RULES
    while True:
        action = states[state_stack[-1]].get(terminal)
        if action is None:
            return False
        if action >= 0:
            return True
        origin, size = rules[-1 - action][:2]
        if size:
            del state_stack[-size:]
        state_stack.append(states[state_stack[-1]][origin])
        if terminal == "$END" and state_stack[-1] == _tables.END_STATE:
            return True


class Parser:
    """Parses text with the grammar's tables, building each node with the builder named by its rule.

    builders: rule or alias name -> f(position, children) returning the node, where
    position is (line, column, end_line, end_column) or None for a rule that matched
    nothing. A builder may raise one of `deferred`: like Lark, which builds the tree
    before transforming it, a syntax error later in the text is still reported first,
    so the first such error is kept, building stops, and it is raised at the end.
    Nodes nested deeper than `max_depth` raise `too_deep(position)` the same way.
    """

    def __init__(self, builders: dict, deferred: tuple = (), max_depth: int | None = None, too_deep=None):
        missing = {r[2] for r in _tables.RULES if r[2] is not None} - set(builders)
        if missing:
            raise ValueError(f"no builder for the grammar's rules {sorted(missing)}")
        # (goto symbol, length, builder, passes its child through, include, nones_after)
        self._rules = tuple((origin, size, builders.get(name) if name else None, expand1, include, after)
                            for origin, size, name, expand1, include, after in _tables.RULES)
        # reduce action -> goto symbol, for the `?rule`s that pass their one child through
        self._passes = {-1 - i: rule[0] for i, rule in enumerate(_tables.RULES) if rule[3]}
        self._chains: dict = {}  # (state below, top state, terminal) -> top state after the passes
        self._deferred = deferred
        self._max_depth = max_depth if max_depth is not None else float("inf")
        self._too_deep = too_deep

    def parse(self, text: str):
        """The root node of `text`; UnexpectedCharacter, UnexpectedToken, DedentError or a deferred error."""
        # Parsing makes many small objects and no cycles: the cycle collector would only
        # rescan them (10-30% of the time on long programs).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._parse(text)
        finally:
            if collecting:
                gc.enable()

    def _parse(self, text: str):
        states, rules, end_state = _tables.STATES, self._rules, _tables.END_STATE
        passes, chains = self._passes, self._chains
        deferred, max_depth = self._deferred, self._max_depth
        state_stack = [_tables.START_STATE]
        values: list = []
        places: list = []  # per value: (line, column, end_line, end_column) of the text it covers, or None
        depths: list = []  # per value: how many nodes deep it is
        error = None
        building = True
        last = None
        stream = tokens(text)
        while True:
            token = next(stream, None)
            if token is None:
                token = last.borrow("$END", "") if last is not None else Token("$END", "", 0, 1, 1)
            else:
                last = token
            kind = token.type
            while True:
                action = states[state_stack[-1]].get(kind)
                if action is None:
                    raise UnexpectedToken(token, state_stack)
                if action >= 0:
                    state_stack.append(action)
                    values.append(token)
                    places.append((token.line, token.column, token.end_line, token.end_column))
                    depths.append(0)
                    break
                if action in passes:
                    # `?rule`s with their one subtree: the value stays, only the top state changes,
                    # through a chain (test -> or_test -> ... -> atom) that depends on the state
                    # below, the top state and the token only: followed once, then remembered.
                    key = (state_stack[-2], state_stack[-1], kind)
                    top = chains.get(key)
                    if top is None:
                        below, top = key[0], key[1]
                        while action in passes:
                            top = states[below][passes[action]]
                            action = states[top].get(kind)
                        chains[key] = top
                    state_stack[-1] = top
                    continue
                origin, size, build, expand1, include, after = rules[-1 - action]
                if size:
                    children = values[-size:]
                    covered = places[-size:]
                    depth = max(depths[-size:])
                    del values[-size:], places[-size:], depths[-size:], state_stack[-size:]
                else:
                    children, covered, depth = [], [], 0
                place = None
                for first in covered:
                    if first is not None:
                        for final in reversed(covered):
                            if final is not None:
                                break
                        place = (first[0], first[1], final[2], final[3])
                        break
                if include is not None:
                    kept = None
                    for index, inline, nones in include:
                        if nones:
                            if kept is None:
                                kept = []
                            kept += [None] * nones
                        if inline:
                            if kept is None:
                                kept = children[index]  # reuse: a left-recursive list grows in place
                            else:
                                kept += children[index]
                        else:
                            if kept is None:
                                kept = []
                            kept.append(children[index])
                    if kept is None:
                        kept = []
                    if after:
                        kept += [None] * after
                    children = kept
                if build is None:  # an inlined `_rule`: its children join its parent's
                    value = children
                elif not building:
                    value = None
                else:
                    depth += 1
                    try:
                        if depth > max_depth:
                            raise self._too_deep(place)
                        value = build(place, children)
                    except deferred as exc:
                        error, building, value = exc, False, None
                state_stack.append(states[state_stack[-1]][origin])
                values.append(value)
                places.append(place)
                depths.append(depth)
                if kind == "$END" and state_stack[-1] == end_state:
                    if error is not None:
                        raise error
                    return value
