"""The Pygments lexer of the tensorsh language, for the REPL and for `.tsh` files.

Registered with Pygments as `tensorsh` (aliases `tsh`, filenames `*.tsh`) through the
`pygments.lexers` entry point, so `pygmentize file.tsh` and rich's Syntax colour
programs too. It imports nothing of the engine: the word lists below are the
language's own (DESIGN.md section 1), and anything else is a plain name.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            Whitespace)

KEYWORDS = ("import", "from", "as", "if", "elif", "else", "for", "while", "in", "with", "lambda", "and",
            "or", "not", "is", "pass", "def", "class", "return", "try", "except", "finally", "raise", "del",
            "global", "nonlocal", "assert", "break", "continue")
CONSTANTS = ("None", "True", "False")
MODULES = ("torch", "np", "F", "nn", "numpy")
BUILTINS = ("print", "len", "range", "abs", "min", "max", "sum", "round", "int", "float", "bool", "list",
            "tuple", "dict", "set", "frozenset", "str", "complex", "all", "any", "divmod", "enumerate", "pow",
            "repr", "reversed", "sorted", "zip", "map", "filter", "type", "isinstance", "issubclass", "id",
            "hash", "iter", "next", "callable", "hasattr", "chr", "ord", "hex", "bin", "oct", "format",
            "slice", "object", "super", "staticmethod", "classmethod", "property", "dir", "help", "exit",
            "quit", "grad", "save", "load", "math")
DTYPES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128", "half", "double", "short", "long", "cfloat", "cdouble")
# Python keywords the language refuses: shown as errors while typing, before the validator says so.
UNSUPPORTED = ("yield", "async", "await")


class TensorshLexer(RegexLexer):
    """Lexer for tensorsh programs and REPL input."""

    name = "tensorsh"
    aliases = ["tensorsh", "tsh"]
    filenames = ["*.tsh"]
    mimetypes = ["text/x-tensorsh"]
    url = "https://github.com/tensorsh/tensorsh"

    tokens = {
        "root": [
            (r"^(\s*)(:[A-Za-z]+)", bygroups(Whitespace, Keyword.Pseudo)),  # REPL commands
            (r"\n", Whitespace),
            (r"[^\S\n]+", Whitespace),
            (r"\\\n", Text),
            (r"#.*$", Comment.Single),
            include("strings"),
            include("numbers"),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(UNSUPPORTED, suffix=r"\b"), Error),
            (r"(\.)(\s*)([A-Za-z_]\w*)", bygroups(Punctuation, Whitespace, Name.Attribute)),
            (words(DTYPES, prefix=r"(?<![\w.])", suffix=r"\b(?!\s*\()"), Keyword.Type),
            (words(MODULES, prefix=r"(?<![\w.])", suffix=r"\b"), Name.Namespace),
            (words(BUILTINS, prefix=r"(?<![\w.])", suffix=r"\b"), Name.Builtin),
            (r"[A-Za-z_]\w*(?=\s*\()", Name.Function),
            (r"[A-Za-z_]\w*", Name),
            (r"\*\*=?|//=?|<<=?|>>=?|[-+*/%@&|^]=?|[<>=!]=|[<>~=]", Operator),
            (r"\.\.\.", Keyword.Constant),
            (r"[()\[\]{},:;.]", Punctuation),
            (r".", Error),
        ],
        "strings": [  # prefixes: r, u, b, f and their pairs (rb, fr, ...)
            (r'(?i)(?:[rubf]|rb|br|rf|fr)?"""', String.Double, "tdqs"),
            (r"(?i)(?:[rubf]|rb|br|rf|fr)?'''", String.Single, "tsqs"),
            (r'(?i)(?:[rubf]|rb|br|rf|fr)?"', String.Double, "dqs"),
            (r"(?i)(?:[rubf]|rb|br|rf|fr)?'", String.Single, "sqs"),
        ],
        "dqs": [(r'"', String.Double, "#pop"), (r'\\.', String.Escape), (r'[^"\\\n]+', String.Double),
                (r"\n", Error, "#pop")],
        "sqs": [(r"'", String.Single, "#pop"), (r"\\.", String.Escape), (r"[^'\\\n]+", String.Single),
                (r"\n", Error, "#pop")],
        "tdqs": [(r'"""', String.Double, "#pop"), (r"\\.", String.Escape), (r'[^"\\]+', String.Double),
                 (r'"', String.Double)],
        "tsqs": [(r"'''", String.Single, "#pop"), (r"\\.", String.Escape), (r"[^'\\]+", String.Single),
                 (r"'", String.Single)],
        "numbers": [
            (r"0[xX](?:_?[0-9a-fA-F])+", Number.Hex),
            (r"0[oO](?:_?[0-7])+", Number.Oct),
            (r"0[bB](?:_?[01])+", Number.Bin),
            (r"(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?", Number.Float),
            (r"\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?(?![\w.])[jJ]?", Number.Float),
            (r"\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*[jJ]?", Number.Float),
            (r"\d(?:_?\d)*[jJ]", Number.Float),
            (r"\d(?:_?\d)*", Number.Integer),
        ],
    }
