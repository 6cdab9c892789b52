"""Source text -> `ast.Module`, through the grammar in grammar/tensorsh.lark.

The grammar is compiled ahead of time (scripts/build_parser_tables.py) into
`grammar_tables`, which `lalr` runs: Lark is a build-time tool, never imported here.
This module gives each grammar rule its AST builder and turns the runtime's errors
into friendly, located syntax errors.
"""

from __future__ import annotations

import re

from tensorsh.lang import ast
from tensorsh.lang import grammar_tables as _tables
from tensorsh.lang import lalr
from tensorsh.lang.errors import TensorshError

# Deeper than this, a program is refused before it runs: evaluating it would overflow
# Python's stack (about two frames per level). CPython's own limit on nested brackets is 200.
MAX_DEPTH = 1000

_parser = None


def parse(source: str, filename: str = "<input>") -> ast.Module:
    """Parse a whole program; raise a located `TensorshError` of kind SyntaxError if it is malformed."""
    text = source if source.endswith("\n") else source + "\n"
    try:
        return _get_parser().parse(text)
    except lalr.UnexpectedCharacter as exc:
        error = _unexpected_character(exc, text)
    except lalr.UnexpectedToken as exc:
        error = _unexpected_token(exc, text)
    except lalr.DedentError:
        error = _bad_dedent(text)
    except TensorshError as exc:
        error = exc
    raise error.located(filename, source)


def _get_parser() -> lalr.Parser:
    global _parser
    if _parser is None:
        _parser = lalr.Parser(_BUILDERS, deferred=(TensorshError,), max_depth=MAX_DEPTH, too_deep=_too_deep)
    return _parser


def _too_deep(place) -> TensorshError:
    line, column = place[:2] if place else (1, 1)
    return TensorshError("SyntaxError", "the program is nested too deeply to parse",
                         ast.Span(line, column, line, column + 1),
                         "split long expressions into several statements")

# ---------------------------------------------------------------- syntax errors

_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_TOKEN_RE = re.compile(r"""(?x)
    (?P<string>[ruRU]?("{3}|'{3}|"|')) | (?P<comment>\#[^\n]*) | (?P<open>[(\[{]) | (?P<close>[)\]}])
""")
_UNSUPPORTED = ("def", "class", "while", "return", "try", "except", "finally", "raise", "del",
                "global", "nonlocal", "assert", "yield", "async", "await", "break", "continue")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _span_at(text: str, offset: int, length: int = 1) -> ast.Span:
    line, column = _position(text, offset)
    return ast.Span(line, column, line, column + max(1, length))


def _open_brackets(text: str) -> list[tuple[str, int]]:
    """The brackets still open at the end of the text, skipping strings and comments."""
    stack: list[tuple[str, int]] = []
    i = 0
    while True:
        match = _TOKEN_RE.search(text, i)
        if match is None:
            return stack
        i = match.end()
        if match.group("string"):
            quote = match.group(2)
            # the closing quote: one not escaped by an odd number of backslashes
            end = re.compile(r"(?<!\\)(?:\\\\)*" + re.escape(quote)).search(text, i)
            if end is None or (len(quote) == 1 and "\n" in text[i:end.start()]):
                return stack
            i = end.end()
        elif match.group("open"):
            stack.append((match.group("open"), match.start()))
        elif match.group("close"):
            if stack and _BRACKETS[stack[-1][0]] == match.group("close"):
                stack.pop()
            else:
                return stack


def _unsupported_statement(text: str, line: int) -> TensorshError | None:
    source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    match = re.match(r"\s*(\w+)\b", source_line)
    if match and match.group(1) in _UNSUPPORTED:
        word = match.group(1)
        span = ast.Span(line, match.start(1) + 1, line, match.end(1) + 1)
        return TensorshError(
            "SyntaxError", f"'{word}' is not part of the tensorsh language", span,
            "tensorsh runs expressions, assignments, imports and if/for/with blocks")
    return None


def _unexpected_character(exc: lalr.UnexpectedCharacter, text: str) -> TensorshError:
    offset = exc.pos
    char = text[offset] if offset < len(text) else ""
    span = _span_at(text, offset)
    unsupported = _unsupported_statement(text, exc.line)
    if unsupported:
        return unsupported
    if char in "'\"":
        triple = text.startswith(char * 3, offset)
        return TensorshError("SyntaxError", "unterminated string literal", span, incomplete=triple)
    if char == "{":
        return TensorshError("SyntaxError", "dict and set displays are not part of tensorsh", span)
    return TensorshError("SyntaxError", f"unexpected character {char!r}", span)


def _unexpected_token(exc: lalr.UnexpectedToken, text: str) -> TensorshError:
    token = exc.token
    kind = token.type
    at_end = kind == "$END" or (
        kind in ("_NEWLINE", "_DEDENT") and (token.start_pos is None or token.start_pos >= len(text.rstrip())))
    if at_end:
        brackets = _open_brackets(text)
        if brackets:
            char, offset = brackets[-1]
            return TensorshError("SyntaxError", f"'{char}' was never closed", _span_at(text, offset),
                                 incomplete=True)
        end = len(text.rstrip())
        line, column = _position(text, end)
        return TensorshError("SyntaxError", f"unexpected end of input; expected {_expected(exc)}",
                             ast.Span(line, column, line, column + 1), incomplete=True)
    span = ast.Span(token.line, token.column, token.end_line or token.line,
                    token.end_column or token.column + 1)
    unsupported = _unsupported_statement(text, token.line)
    if unsupported:
        return unsupported
    if kind.startswith("UNMATCHED_"):
        return TensorshError("SyntaxError", f"unmatched '{token.value}'", span)
    if token.value == "for" and token.start_pos and _open_brackets(text[:token.start_pos]):
        return TensorshError("SyntaxError", "comprehensions are not part of tensorsh", span,
                             "use a for loop, or one tensor operation over the whole tensor")
    if kind == "STRING" and token.start_pos and text[token.start_pos - 1] in "fFbB" and \
            text[token.start_pos - 2:token.start_pos - 1].strip(" ([,=") == "":
        prefix = text[token.start_pos - 1].lower()
        what = "f-strings" if prefix == "f" else "bytes literals"
        span = ast.Span(span.line, span.column - 1, span.end_line, span.end_column)  # with the prefix
        return TensorshError("SyntaxError", f"{what} are not part of tensorsh", span,
                             "build text with str() and + instead" if prefix == "f" else None)
    if kind == "_INDENT":
        return TensorshError("SyntaxError", "unexpected indent", span)
    return TensorshError("SyntaxError", f"unexpected {_describe(token)}; expected {_expected(exc)}", span)


def _bad_dedent(text: str) -> TensorshError:
    # Find the first line whose indentation matches no enclosing block.
    levels = [0]
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or depth:
            depth += _bracket_delta(line)
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if indent > levels[-1]:
            levels.append(indent)
        while indent < levels[-1]:
            levels.pop()
        if indent != levels[-1]:
            return TensorshError("SyntaxError", "unindent does not match any outer indentation level",
                                 ast.Span(number, 1, number, indent + 1))
        depth += _bracket_delta(line)
    return TensorshError("SyntaxError", "unindent does not match any outer indentation level", None)


def _bracket_delta(line: str) -> int:
    return sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")


_WORDS = {"NAME": "a name", "STRING": "a string", "_NEWLINE": "end of line", "$END": "end of input",
          "_INDENT": "an indented block", "_DEDENT": "the end of the block", "SEMICOLON": "';'"}
_NUMBERS = {"DEC_NUMBER", "HEX_NUMBER", "OCT_NUMBER", "BIN_NUMBER", "FLOAT_NUMBER", "IMAG_NUMBER"}
_EXPRESSION_STARTS = {"NAME", "STRING", "(", "[", "-", "+", "~", "not", "lambda", "None", "True",
                      "False", "..."} | _NUMBERS
_OPERATORS = {"+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>", "<", ">", "==",
              ">=", "<=", "!=", "in", "not", "is", "and", "or", "if", ".", "(", "["}




def _describe(token) -> str:
    if token.type == "NAME":
        return f"name '{token.value}'"
    if token.type in _NUMBERS:
        return f"number {token.value}"
    if token.type == "STRING":
        return "string"
    if token.type in _WORDS:
        return _WORDS[token.type]
    return f"'{token.value}'"


def _expected(exc: lalr.UnexpectedToken) -> str:
    """The set of acceptable terminals, said in words: 'an expression', "')' or ','"."""
    names = exc.accepts() or set(exc.expected)  # LALR's merged states over-promise: ask which really fit
    texts = {name: _tables.LITERALS.get(name) or name for name in names}
    words: list[str] = []
    if names == {"NAME"}:
        return "a name"
    if "NAME" in names:
        words.append("an expression")
        names = {n for n in names if texts[n] not in _EXPRESSION_STARTS}
    if any(texts[n] in _OPERATORS for n in names) and "NAME" not in texts.values():
        words.append("an operator")
        names = {n for n in names if texts[n] not in _OPERATORS}
    if names & {"_NEWLINE", "SEMICOLON"}:
        words.append("end of line")
        names -= {"_NEWLINE", "SEMICOLON", "$END"}
    for name in sorted(names, key=lambda n: texts[n]):
        if name in _WORDS:
            words.append(_WORDS[name])
        elif name in _NUMBERS:
            words.append("a number") if "a number" not in words else None
        elif not name.startswith("_"):
            words.append(f"'{texts[name]}'")
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]

# ---------------------------------------------------------------- literals
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n",
            "r": "\r", "t": "\t", "v": "\v", "\n": ""}
_ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.|\n)", re.S)


def _decode_string(token: str) -> str:
    """The value of a string literal, decoded here rather than by Python's eval."""
    prefix = re.match(r"[ruRU]*", token).group(0).lower()
    body = token[len(prefix):]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[0]
    body = body[len(quote):-len(quote)]
    if "r" in prefix:
        return body

    def escape(match: re.Match) -> str:
        seq = match.group(1)
        if seq[0] in "xuU" and len(seq) > 1:
            return chr(int(seq[1:], 16))
        if seq[0] in "01234567":
            return chr(int(seq, 8))
        return _ESCAPES.get(seq, "\\" + seq)

    return _ESCAPE_RE.sub(escape, body)


def _number(token) -> int | float | complex:
    text = token.value.replace("_", "")
    if token.type == "IMAG_NUMBER":
        return complex(0, float(text[:-1]))
    if token.type == "FLOAT_NUMBER":
        return float(text)
    if token.type == "DEC_NUMBER":
        return int(text)
    return int(text, 0)



# ---------------------------------------------------------------- rule -> AST node

_BUILDERS: dict = {}


def _builds(*rules: str):
    """Register the decorated function as the AST builder of these grammar rules or aliases."""
    def register(function):
        for rule in rules:
            _BUILDERS[rule] = function
        return function
    return register


def _span(place) -> ast.Span:
    return ast.Span(*place)


def _token_span(token: lalr.Token) -> ast.Span:
    return ast.Span(token.line, token.column, token.end_line, token.end_column)


def _flatten(items) -> tuple:
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(item)
        elif item is not None:
            out.append(item)
    return tuple(out)


def _syntax_error(message: str, span: ast.Span) -> TensorshError:
    return TensorshError("SyntaxError", message, span)


def _check_target(node: ast.Node, augmented: bool = False) -> ast.Node:
    """Assignment targets: names, subscripts, attributes and (not for op=) tuples/lists of them."""
    if isinstance(node, (ast.Name, ast.Subscript, ast.Attribute)):
        return node
    if isinstance(node, (ast.Tuple, ast.List)) and not augmented:
        for elt in node.elts:
            _check_target(elt)
        return node
    what = "augmented assignment" if augmented else "assignment"
    raise _syntax_error(f"cannot assign to this expression in an {what}", node.span)


# -------------------------------------------------- statements

@_builds("module")
def _module(place, children):
    return ast.Module(_flatten(children), span=ast.Span(1, 1, 1, 1) if place is None else _span(place))


@_builds("simple_line")
def _simple_line(place, children):
    silent = isinstance(children[-1], lalr.Token)
    statements = [c for c in children if isinstance(c, ast.Node)]
    if silent and isinstance(statements[-1], ast.ExprStmt):
        statements[-1] = statements[-1].replace(silent=True)
    return statements


@_builds("expr_stmt")
def _expr_stmt(place, children):
    return ast.ExprStmt(children[0], span=_span(place))


@_builds("assign")
def _assign(place, children):
    *targets, value = children
    return ast.Assign(tuple(_check_target(t) for t in targets), value, span=_span(place))


@_builds("aug_assign")
def _aug_assign(place, children):
    target, op, value = children
    return ast.AugAssign(_check_target(target, augmented=True), op, value, span=_span(place))


@_builds("pass_stmt")
def _pass_stmt(place, children):
    return ast.PassStmt(span=_span(place))


@_builds("import_stmt")
def _import_stmt(place, children):
    return ast.ImportStmt(tuple(children), span=_span(place))


@_builds("from_import")
def _from_import(place, children):
    module, *names = children
    names = tuple(n for n in names if isinstance(n, ast.Alias))
    return ast.FromImport(module, names, span=_span(place))


@_builds("import_star")
def _import_star(place, children):
    return None


@_builds("alias")
def _alias(place, children):
    name, asname = children
    return ast.Alias(name, asname.value if asname is not None else None, span=_span(place))


@_builds("dotted_name")
def _dotted_name(place, children):
    return ".".join(t.value for t in children)


@_builds("if_stmt")
def _if_stmt(place, children):
    test, body, *rest = children
    orelse: tuple = ()
    for clause in reversed([c for c in rest if c is not None]):
        if isinstance(clause, tuple) and clause and clause[0] == "else":
            orelse = clause[1]
        else:  # an elif: (test, body, span)
            orelse = (ast.IfStmt(clause[0], clause[1], orelse, span=clause[2]),)
    return ast.IfStmt(test, body, orelse, span=_span(place))


@_builds("elif_clause")
def _elif_clause(place, children):
    return (children[0], children[1], _span(place))


@_builds("else_clause")
def _else_clause(place, children):
    return ("else", children[0])


@_builds("for_stmt")
def _for_stmt(place, children):
    target, iterable, body = children
    return ast.ForStmt(_check_target(target), iterable, body, span=_span(place))


@_builds("with_stmt")
def _with_stmt(place, children):
    context, name, body = children
    return ast.WithStmt(context, name.value if name is not None else None, body, span=_span(place))


@_builds("suite")
def _suite(place, children):
    return _flatten(children)


# -------------------------------------------------- expressions

@_builds("name")
def _name(place, children):
    return ast.Name(children[0].value, span=_span(place))


@_builds("number")
def _number_node(place, children):
    try:
        value = _number(children[0])
    except ValueError:  # Python's own bound on integer literals (4300 digits)
        raise TensorshError("SyntaxError", "integer literal too long: more than 4300 digits",
                            _span(place)) from None
    return ast.Constant(value, span=_span(place))


@_builds("strings")
def _strings(place, children):
    return ast.Constant("".join(_decode_string(t.value) for t in children), span=_span(place))


@_builds("const_none")
def _const_none(place, children):
    return ast.Constant(None, span=_span(place))


@_builds("const_true")
def _const_true(place, children):
    return ast.Constant(True, span=_span(place))


@_builds("const_false")
def _const_false(place, children):
    return ast.Constant(False, span=_span(place))


@_builds("ellipsis")
def _ellipsis(place, children):
    return ast.Constant(Ellipsis, span=_span(place))


@_builds("paren")
def _paren(place, children):
    # Keep the brackets in the span so a caret under `(a + b).sum()` starts at `(`.
    return children[0].replace(span=_span(place))


@_builds("tuple")
def _tuple(place, children):
    return ast.Tuple(_flatten(children), span=_span(place))


@_builds("list")
def _list(place, children):
    return ast.List(_flatten(children), span=_span(place))


@_builds("call")
def _call(place, children):
    func, arguments = children
    args, keywords = [], []
    for arg in arguments or ():
        if isinstance(arg, ast.Keyword):
            if any(k.name == arg.name for k in keywords):
                raise _syntax_error(f"keyword argument repeated: {arg.name}", arg.span)
            keywords.append(arg)
        elif keywords and not isinstance(arg, ast.Starred):
            raise _syntax_error("positional argument follows keyword argument", arg.span)
        else:
            args.append(arg)
    return ast.Call(func, tuple(args), tuple(keywords), span=_span(place))


@_builds("arguments", "lambda_params")
def _present(place, children):
    return [c for c in children if c is not None]


@_builds("keyword")
def _keyword(place, children):
    name, value = children
    if not isinstance(name, ast.Name):
        raise _syntax_error("expression cannot be used as a keyword argument; did you mean '=='?", name.span)
    return ast.Keyword(name.id, value, span=_span(place))


@_builds("starred")
def _starred(place, children):
    return ast.Starred(children[0], span=_span(place))


@_builds("attribute")
def _attribute(place, children):
    value, attr = children
    return ast.Attribute(value, attr.value, _token_span(attr), span=_span(place))


@_builds("subscript")
def _subscript(place, children):
    value, index = children
    return ast.Subscript(value, index, span=_span(place))


@_builds("slice")
def _slice(place, children):
    lower, upper, step = children
    return ast.Slice(lower, upper, step, span=_span(place))


@_builds("slice_step")
def _slice_step(place, children):
    return children[0]


@_builds("unary_op")
def _unary_op(place, children):
    op, operand = children
    return ast.UnaryOp(op, operand, span=_span(place))


@_builds("bin_op")
def _bin_op(place, children):
    left, op, right = children
    return ast.BinOp(left, op, right, span=_span(place))


@_builds("bool_op")
def _bool_op(place, children):
    left, op, right = children
    return ast.BoolOp(left, op, right, span=_span(place))


@_builds("compare")
def _compare(place, children):
    left, *rest = children
    return ast.Compare(left, tuple(rest[0::2]), tuple(rest[1::2]), span=_span(place))


@_builds("if_exp")
def _if_exp(place, children):
    body, test, orelse = children
    return ast.IfExp(body, test, orelse, span=_span(place))


@_builds("lambda_expr")
def _lambda_expr(place, children):
    params, body = children
    params = tuple(params or ())
    seen: set[str] = set()
    defaulted = False
    for param in params:
        if param.name in seen:
            raise _syntax_error(f"duplicate argument '{param.name}' in lambda", param.span)
        seen.add(param.name)
        if param.default is None and defaulted:
            raise _syntax_error("parameter without a default follows parameter with a default", param.span)
        defaulted = defaulted or param.default is not None
    return ast.LambdaExpr(params, body, span=_span(place))


@_builds("param")
def _param(place, children):
    name, default = children
    return ast.Param(name.value, default, span=_span(place))


@_builds("or_op", "and_op", "not_op", "comp_op", "bitor_op", "xor_op", "bitand_op", "shift_op", "add_op",
         "mul_op", "sign_op", "pow_op", "aug_op")
def _operator(place, children):
    """Operators are carried as their text: `not in`, `+=`."""
    return " ".join(t.value for t in children)
