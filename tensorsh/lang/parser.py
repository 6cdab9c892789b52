"""Source text -> `ast.Module`, through the grammar in `tensorsh.lark`.

`parse(source, filename)` is the only door to Lark in tensorsh: nothing else imports it,
so the runtime can later be swapped for precompiled tables. The Lark parser is built
lazily, once, and its tables are cached in the user's cache directory.
"""

from __future__ import annotations

import dataclasses
import os
import re

from tensorsh.lang import ast
from tensorsh.lang.errors import TensorshError

_GRAMMAR_NAME = "tensorsh.lark"
_parser = None


def grammar_path() -> str:
    """The grammar file: inside the installed package first, else in the source checkout."""
    # os.path rather than pathlib: pathlib alone costs more start-up time than parsing a program.
    package_dir = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for candidate in (os.path.join(package_dir, "grammar", _GRAMMAR_NAME),
                      os.path.join(os.path.dirname(package_dir), "grammar", _GRAMMAR_NAME)):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"{_GRAMMAR_NAME} is missing from the tensorsh installation")


def parse(source: str, filename: str = "<input>") -> ast.Module:
    """Parse a whole program; raise a located `TensorshError` of kind SyntaxError if it is malformed."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError
    from lark.indenter import DedentError

    text = source if source.endswith("\n") else source + "\n"
    parser = _get_parser()
    try:
        tree = parser.parse(text)
        return _ToAst().transform(tree)
    except UnexpectedCharacters as exc:
        error = _unexpected_character(exc, text)
    except UnexpectedInput as exc:
        error = _unexpected_token(exc, text, parser)
    except DedentError:
        error = _bad_dedent(text)
    except VisitError as exc:
        if isinstance(exc.orig_exc, RecursionError):
            error = _too_deep()
        elif isinstance(exc.orig_exc, TensorshError):
            error = exc.orig_exc
        else:
            raise
    except RecursionError:
        error = _too_deep()
    raise error.located(filename, source)


def _too_deep() -> TensorshError:
    return TensorshError("SyntaxError", "the program is nested too deeply to parse", ast.Span(1, 1, 1, 2),
                         "split long expressions into several statements")


# ---------------------------------------------------------------- building the parser

_OPTIONS = {"parser": "lalr", "lexer": "basic", "propagate_positions": True, "maybe_placeholders": True}
# Options that are objects of ours, given again on load rather than pickled.
_NOT_SAVED = ("postlex", "transformer", "lexer_callbacks", "use_bytes", "debug", "g_regex_flags", "regex",
              "propagate_positions", "tree_class", "_plugins")


def _get_parser():
    global _parser
    if _parser is None:
        from lark import Lark

        with open(grammar_path(), encoding="utf-8") as f:
            grammar = f.read()
        path = _cache_file(grammar)
        _parser = _load_tables(path) if path else None
        if _parser is None:
            _parser = Lark(grammar, postlex=_make_indenter(), **_OPTIONS)
            if path:
                _save_tables(_parser, path)
    return _parser


def _cache_file(grammar: str) -> str | None:
    """A per-user cache path for the parse tables of this grammar, or None where none can be written.

    Not Lark's own cache: that one sits under a predictable name in the shared temp
    directory (and is unpickled on load), and is written in place, so two tensorsh
    processes starting together could read half a file.
    """
    import hashlib
    import sys

    import lark

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "tensorsh")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    key = f"{grammar}\0{lark.__version__}\0{sys.version_info[:2]}\0{sorted(_OPTIONS.items())}"
    return os.path.join(folder, f"grammar-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lark")


def _load_tables(path: str):
    from lark import Lark

    try:
        with open(path, "rb") as f:
            # Lark's own loader, given our indenter again (it is not pickled).
            return Lark.__new__(Lark)._load(f, postlex=_make_indenter(), propagate_positions=True)
    except Exception:  # noqa: BLE001 - a missing or damaged cache is rebuilt
        return None


def _save_tables(parser, path: str) -> None:
    import tempfile

    try:
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".grammar-")
        with os.fdopen(handle, "wb") as f:
            parser.save(f, exclude_options=_NOT_SAVED)
        os.replace(temporary, path)  # atomic: a reader sees the old file or the whole new one
    except OSError:
        pass


def _make_indenter():
    from lark.indenter import PythonIndenter

    class Indenter(PythonIndenter):
        """Python's indentation rules, tolerating a stray closing bracket so the parser can report it."""

        def _process(self, stream):
            for token in super()._process(self._clamp(stream)):
                yield token

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

    return Indenter()


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


def _unexpected_character(exc, text: str) -> TensorshError:
    offset = exc.pos_in_stream
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


def _unexpected_token(exc, text: str, parser) -> TensorshError:
    token = getattr(exc, "token", None)
    kind = getattr(token, "type", "$END")
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
        return TensorshError("SyntaxError", f"unexpected end of input; expected {_expected(exc, parser)}",
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
    return TensorshError("SyntaxError", f"unexpected {_describe(token)}; expected {_expected(exc, parser)}", span)


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


def _literal(parser, name: str) -> str | None:
    """The fixed text of a terminal such as RPAR, or None for a pattern like NAME."""
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return None
    return pattern.value if type(pattern).__name__ == "PatternStr" else None


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


def _expected(exc, parser) -> str:
    """Lark's set of acceptable terminals, said in words: 'an expression', "')' or ','"."""
    names = set(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is not None:
        try:  # LALR's merged states over-promise; ask which terminals really fit here
            names = set(interactive.accepts()) or names
        except Exception:  # noqa: BLE001 - the coarse set is still a fine answer
            pass
    texts = {name: _literal(parser, name) or name for name in names}
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


# ---------------------------------------------------------------- tree -> AST

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


def _make_transformer():
    from lark import Token, Transformer, v_args

    def span_of(meta) -> ast.Span:
        return ast.Span(meta.line, meta.column, meta.end_line, meta.end_column)

    def token_span(token: Token) -> ast.Span:
        return ast.Span(token.line, token.column, token.end_line, token.end_column)

    def flatten(items) -> tuple:
        out = []
        for item in items:
            if isinstance(item, list):
                out.extend(item)
            elif item is not None:
                out.append(item)
        return tuple(out)

    def syntax_error(message: str, span: ast.Span):
        return TensorshError("SyntaxError", message, span)

    def check_target(node: ast.Node, augmented: bool = False) -> ast.Node:
        """Assignment targets: names, subscripts, attributes and (not for op=) tuples/lists of them."""
        if isinstance(node, (ast.Name, ast.Subscript, ast.Attribute)):
            return node
        if isinstance(node, (ast.Tuple, ast.List)) and not augmented:
            for elt in node.elts:
                check_target(elt)
            return node
        what = "augmented assignment" if augmented else "assignment"
        raise syntax_error(f"cannot assign to this expression in an {what}", node.span)

    @v_args(meta=True)
    class ToAst(Transformer):
        """One method per grammar rule or alias, each building the AST class of the same name."""

        def module(self, meta, children):
            return ast.Module(flatten(children), span=ast.Span(1, 1, 1, 1) if meta.empty else span_of(meta))

        def simple_line(self, meta, children):
            silent = isinstance(children[-1], Token)
            statements = [c for c in children if isinstance(c, ast.Node)]
            if silent and isinstance(statements[-1], ast.ExprStmt):
                statements[-1] = dataclasses.replace(statements[-1], silent=True)
            return statements

        def expr_stmt(self, meta, children):
            return ast.ExprStmt(children[0], span=span_of(meta))

        def assign(self, meta, children):
            *targets, value = children
            return ast.Assign(tuple(check_target(t) for t in targets), value, span=span_of(meta))

        def aug_assign(self, meta, children):
            target, op, value = children
            return ast.AugAssign(check_target(target, augmented=True), op, value, span=span_of(meta))

        def pass_stmt(self, meta, children):
            return ast.PassStmt(span=span_of(meta))

        def import_stmt(self, meta, children):
            return ast.ImportStmt(tuple(children), span=span_of(meta))

        def from_import(self, meta, children):
            module, *names = children
            names = tuple(n for n in names if isinstance(n, ast.Alias))
            return ast.FromImport(module, names, span=span_of(meta))

        def import_star(self, meta, children):
            return None

        def alias(self, meta, children):
            name, asname = children
            return ast.Alias(name, asname.value if asname is not None else None, span=span_of(meta))

        def dotted_name(self, meta, children):
            return ".".join(t.value for t in children)

        def if_stmt(self, meta, children):
            test, body, *rest = children
            orelse: tuple = ()
            for clause in reversed([c for c in rest if c is not None]):
                if isinstance(clause, tuple) and clause and clause[0] == "else":
                    orelse = clause[1]
                else:  # an elif: (test, body, span)
                    orelse = (ast.IfStmt(clause[0], clause[1], orelse, span=clause[2]),)
            return ast.IfStmt(test, body, orelse, span=span_of(meta))

        def elif_clause(self, meta, children):
            return (children[0], children[1], span_of(meta))

        def else_clause(self, meta, children):
            return ("else", children[0])

        def for_stmt(self, meta, children):
            target, iterable, body = children
            return ast.ForStmt(check_target(target), iterable, body, span=span_of(meta))

        def with_stmt(self, meta, children):
            context, name, body = children
            return ast.WithStmt(context, name.value if name is not None else None, body, span=span_of(meta))

        def suite(self, meta, children):
            return flatten(children)

        # -------------------------------------------------- expressions

        def name(self, meta, children):
            return ast.Name(children[0].value, span=span_of(meta))

        def number(self, meta, children):
            return ast.Constant(_number(children[0]), span=span_of(meta))

        def strings(self, meta, children):
            return ast.Constant("".join(_decode_string(t.value) for t in children), span=span_of(meta))

        def const_none(self, meta, children):
            return ast.Constant(None, span=span_of(meta))

        def const_true(self, meta, children):
            return ast.Constant(True, span=span_of(meta))

        def const_false(self, meta, children):
            return ast.Constant(False, span=span_of(meta))

        def ellipsis(self, meta, children):
            return ast.Constant(Ellipsis, span=span_of(meta))

        def paren(self, meta, children):
            # Keep the brackets in the span so a caret under `(a + b).sum()` starts at `(`.
            return dataclasses.replace(children[0], span=span_of(meta))

        def tuple(self, meta, children):
            return ast.Tuple(flatten(children), span=span_of(meta))

        def list(self, meta, children):
            return ast.List(flatten(children), span=span_of(meta))

        def call(self, meta, children):
            func, arguments = children
            args, keywords = [], []
            for arg in arguments or ():
                if isinstance(arg, ast.Keyword):
                    if any(k.name == arg.name for k in keywords):
                        raise syntax_error(f"keyword argument repeated: {arg.name}", arg.span)
                    keywords.append(arg)
                elif keywords and not isinstance(arg, ast.Starred):
                    raise syntax_error("positional argument follows keyword argument", arg.span)
                else:
                    args.append(arg)
            return ast.Call(func, tuple(args), tuple(keywords), span=span_of(meta))

        def arguments(self, meta, children):
            return [c for c in children if c is not None]

        def keyword(self, meta, children):
            name, value = children
            if not isinstance(name, ast.Name):
                raise syntax_error("expression cannot be used as a keyword argument; did you mean '=='?",
                                   name.span)
            return ast.Keyword(name.id, value, span=span_of(meta))

        def starred(self, meta, children):
            return ast.Starred(children[0], span=span_of(meta))

        def attribute(self, meta, children):
            value, attr = children
            return ast.Attribute(value, attr.value, token_span(attr), span=span_of(meta))

        def subscript(self, meta, children):
            value, index = children
            return ast.Subscript(value, index, span=span_of(meta))

        def slice(self, meta, children):
            lower, upper, step = children
            return ast.Slice(lower, upper, step, span=span_of(meta))

        def slice_step(self, meta, children):
            return children[0]

        def unary_op(self, meta, children):
            op, operand = children
            return ast.UnaryOp(op, operand, span=span_of(meta))

        def bin_op(self, meta, children):
            left, op, right = children
            return ast.BinOp(left, op, right, span=span_of(meta))

        def bool_op(self, meta, children):
            left, op, right = children
            return ast.BoolOp(left, op, right, span=span_of(meta))

        def compare(self, meta, children):
            left, *rest = children
            return ast.Compare(left, tuple(rest[0::2]), tuple(rest[1::2]), span=span_of(meta))

        def if_exp(self, meta, children):
            body, test, orelse = children
            return ast.IfExp(body, test, orelse, span=span_of(meta))

        def lambda_expr(self, meta, children):
            params, body = children
            params = tuple(params or ())
            seen: set[str] = set()
            defaulted = False
            for param in params:
                if param.name in seen:
                    raise syntax_error(f"duplicate argument '{param.name}' in lambda", param.span)
                seen.add(param.name)
                if param.default is None and defaulted:
                    raise syntax_error("parameter without a default follows parameter with a default",
                                       param.span)
                defaulted = defaulted or param.default is not None
            return ast.LambdaExpr(params, body, span=span_of(meta))

        def lambda_params(self, meta, children):
            return [c for c in children if c is not None]

        def param(self, meta, children):
            name, default = children
            return ast.Param(name.value, default, span=span_of(meta))

        # -------------------------------------------------- operators, as their text

        def _op(self, meta, children):
            return " ".join(t.value for t in children)

        or_op = and_op = not_op = comp_op = bitor_op = xor_op = bitand_op = _op
        shift_op = add_op = mul_op = sign_op = pow_op = aug_op = _op

    return ToAst


class _LazyToAst:
    """Builds the transformer class on first use so that importing this module stays cheap."""

    _cls = None

    def __call__(self):
        if _LazyToAst._cls is None:
            _LazyToAst._cls = _make_transformer()
        return _LazyToAst._cls()


_ToAst = _LazyToAst()
