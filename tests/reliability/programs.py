"""Program generators for fuzzing: random text, token soup, mutated seeds and valid op calls.

Each generator takes a `random.Random` and returns source text, so the hypothesis suite
(which draws the Random) and scripts/fuzz.py (which makes its own) share them.
"""

from __future__ import annotations

import inspect
import random
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Tokens of the language, and names that reach the engine, numpy and the builtins.
TOKENS = [
    "x", "t", "a", "b", "f", "0", "1", "2", "-1", "3", "2.5", "1e308", "-0.0", "10**9", "'s'", '"abc"', "True",
    "False", "None", "...", "(", ")", "[", "]", ",", ":", ";", ".", "=", "+", "-", "*", "**", "/", "//", "%",
    "@", "<<", ">>", "&", "|", "^", "~", "<", "==", "!=", ">=", "not", "and", "or", "if", "else", "for", "in",
    "with", "lambda", "import", "from", "as", "\n", "    ", "#c", "\\\n", "+=", "*=", "@=", "is", "pass",
    "tensor", "torch", "np", "F", "grad", "zeros", "ones", "randn", "arange", "cat", "stack", "sum", "mean",
    "view", "reshape", "expand", "repeat", "shape", "dtype", "float32", "int64", "bool", "backward",
    "requires_grad", "no_grad", "print", "len", "range", "list", "max", "save", "load", "item", "T",
    "softmax", "relu", "linear", "numpy", "from_numpy", "__class__", "_x", "'x.npy'", "dim=", "keepdim=True",
    # the statements and constructs of the Python language tensorsh runs
    "def", "return", "class", "self", "__init__", "super()", "while", "break", "continue", "try", "except",
    "finally", "raise", "ValueError", "Exception", "global", "nonlocal", "del", "assert", ":=", "yield", "async",
    "f'{x}'", "f'{x!r:>5}'", "'{}'.format", "type", "isinstance", "hasattr", "dir", "iter", "next", "super",
    "object", "[v for v in xs]", "(v for v in xs)", "{v: v for v in xs}", "__getattr__", "_tsh_getattr",
]

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool", "complex64",
          "complex128"]
FLOATS = ("float32", "float64", "float16", "complex64", "complex128")


@lru_cache(maxsize=None)
def seeds() -> tuple[str, ...]:
    """Valid programs to mutate: every golden case and every example script."""
    found: list[str] = []
    for path in sorted((ROOT / "tests" / "golden" / "cases").glob("*.tsh")):
        text = path.read_text(encoding="utf-8")
        for chunk in text.split("#: case")[1:]:
            body = chunk.split("\n", 1)[1] if "\n" in chunk else ""
            if body.strip():
                found.append(body)
    for path in sorted((ROOT / "examples").glob("*.tsh")):
        found.append(path.read_text(encoding="utf-8"))
    return tuple(found)


def random_text(rng: random.Random) -> str:
    """Characters from ASCII, punctuation-heavy, with some Unicode and control characters."""
    alphabet = "abcxyz_019 ()[]{}.,:;=+-*/%@<>!&|^~'\"\\#\n\t" + "é∑\x00\x0c\u2028\ufeff"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))


def token_soup(rng: random.Random) -> str:
    """Tokens of the language in random order, separated by a space or nothing."""
    return "".join(rng.choice(TOKENS) + rng.choice(("", " ", " ")) for _ in range(rng.randint(1, 25)))


def _random_number(rng: random.Random) -> str:
    return rng.choice(["0", "1", "-1", "2", "3", "7", "-5", "100", "10**6", "2**31", "2**63", "10**12",
                       "0.5", "-2.5", "1e308", "1e-320", "float('nan')", "float('inf')", "True", "None"])


def mutate(rng: random.Random, source: str | None = None) -> str:
    """A seed program with a few random edits: numbers swapped, spans deleted or duplicated,
    tokens inserted, lines shuffled, the text cut short."""
    text = source if source is not None else rng.choice(seeds())
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(7)
        if kind == 0:  # swap a number literal
            numbers = list(re.finditer(r"\d+(\.\d+)?", text))
            if numbers:
                m = rng.choice(numbers)
                text = text[:m.start()] + _random_number(rng) + text[m.end():]
        elif kind == 1 and text:  # delete a span
            i = rng.randrange(len(text))
            text = text[:i] + text[i + rng.randint(1, 8):]
        elif kind == 2 and text:  # duplicate a span
            i = rng.randrange(len(text))
            j = min(len(text), i + rng.randint(1, 20))
            text = text[:j] + text[i:j] + text[j:]
        elif kind == 3:  # insert a token
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif kind == 4:  # shuffle lines
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines)
        elif kind == 5 and text:  # cut short
            text = text[:rng.randrange(len(text))]
        else:  # swap a name for another one
            names = list(re.finditer(r"[A-Za-z_]\w*", text))
            if names:
                m = rng.choice(names)
                text = text[:m.start()] + rng.choice(TOKENS[70:] + ["x", "a", "b"]) + text[m.end():]
    return text


# ---------------------------------------------------------------- valid programs from the op registry

@lru_cache(maxsize=None)
def _ops() -> tuple:
    from tensorsh.engine.ops.registry import OPS

    found = []
    for entry in OPS.values():
        try:
            params = tuple(p for p in inspect.signature(entry.fn).parameters.values()
                           if not p.name.startswith("_"))
        except (TypeError, ValueError):
            continue
        found.append((entry.name, entry.method, entry.function, params))
    return tuple(found)


def _shape(rng: random.Random) -> tuple[int, ...]:
    return tuple(rng.choice((0, 1, 1, 2, 2, 3, 4)) for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))))


def _tensor(rng: random.Random, shape: tuple[int, ...], dtype: str) -> str:
    size = ", ".join(map(str, shape))
    grad = ", requires_grad=True" if dtype in FLOATS[:2] and rng.random() < 0.3 else ""
    kind = rng.randrange(5)
    if kind == 0 and dtype not in ("bool",):
        return f"torch.randn({size}).to(torch.{dtype})" if shape else \
            f"torch.tensor({rng.uniform(-3, 3):.3f}, dtype=torch.{dtype})"
    if kind == 1:
        n = 1
        for d in shape:
            n *= d
        return f"torch.arange({n}).reshape({size}).to(torch.{dtype})" \
            if shape else f"torch.tensor({rng.randint(-3, 3)}).to(torch.{dtype})"
    if kind == 2:
        return f"torch.ones({size}, dtype=torch.{dtype}{grad})" if shape else \
            f"torch.ones((), dtype=torch.{dtype}{grad})"
    if kind == 3:
        return f"torch.zeros({size}, dtype=torch.{dtype})" if shape else \
            "torch.zeros(())"
    return f"torch.full(({size}{',' if len(shape) == 1 else ''}), {rng.choice(['1.5', '-2', 'True', '0'])}" \
           f", dtype=torch.{dtype}{grad})"


def _argument(rng: random.Random, name: str, tensors: list[str]) -> str:
    """A plausible value for a parameter, guessed from its name; sometimes a wrong one."""
    if rng.random() < 0.1:
        return rng.choice(["None", "'a'", "[]", "(1, 2)", "-1", "2.5", "True", rng.choice(tensors)])
    if name in ("dim", "dim0", "dim1", "dim2", "start_dim", "end_dim", "axis"):
        return str(rng.randint(-3, 3))
    if name in ("dims", "size", "shape", "sizes"):
        return repr(_shape(rng) or (1,))
    if name in ("keepdim", "descending", "largest", "sorted", "unbiased", "inplace", "stable", "upper"):
        return rng.choice(["True", "False"])
    if name == "dtype":
        return f"torch.{rng.choice(DTYPES)}"
    if name in ("k", "n", "diagonal", "offset", "steps", "chunks", "sections", "repeats", "length",
                "indices_or_sections", "split_size_or_sections", "decimals", "p"):
        return str(rng.randint(0, 3))
    if name in ("tensors",):
        return "[" + ", ".join(rng.choice(tensors) for _ in range(rng.randint(1, 3))) + "]"
    if name in ("index", "indices"):
        return rng.choice(["torch.tensor([0, 1])", "torch.tensor([[0], [1]])", "torch.tensor(0)",
                           "torch.tensor([], dtype=torch.int64)", "torch.tensor([True, False])"])
    if name in ("reduction",):
        return rng.choice(["'mean'", "'sum'", "'none'", "'bogus'"])
    if name in ("alpha", "beta", "value", "fill_value", "min", "max", "exponent", "eps", "rtol", "atol",
                "negative_slope", "lambd", "threshold", "scale"):
        return rng.choice(["0.5", "2", "-1", "0", "1e-6", "True"])
    if name in ("input", "other", "self", "weight", "target", "mask", "src", "source", "mat2", "end", "tensor",
                "bias", "values", "vec", "x", "y"):
        return rng.choice(tensors) if rng.random() < 0.85 else _random_number(rng)
    return rng.choice(tensors + ["1", "0", "None", "2.0"])


def op_program(rng: random.Random) -> str:
    """A valid program: one to three tensors of random shapes and dtypes, then calls of random ops
    from the registry (as functions and methods), some results reduced and differentiated."""
    names = ["a", "b", "c"][:rng.randint(1, 3)]
    lines = []
    first_shape = _shape(rng)
    for name in names:
        shape = first_shape if rng.random() < 0.5 else _shape(rng)
        lines.append(f"{name} = {_tensor(rng, shape, rng.choice(DTYPES))}")
    ops = _ops()
    for i in range(rng.randint(1, 4)):
        op_name, method, function, params = rng.choice(ops)
        args, keywords = [], []
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        required = [p for p in positional if p.default is inspect.Parameter.empty]
        optional = [p for p in params if p.default is not inspect.Parameter.empty and p.kind != p.VAR_KEYWORD]
        for p in required:
            args.append(_argument(rng, p.name, names))
        if any(p.kind == p.VAR_POSITIONAL for p in params) and rng.random() < 0.7:
            args.extend(_argument(rng, "dim", names) for _ in range(rng.randint(1, 3)))
        for p in rng.sample(optional, k=min(len(optional), rng.randint(0, 2))):
            keywords.append(f"{p.name}={_argument(rng, p.name, names)}")
        if method and args and rng.random() < 0.5:
            receiver, rest = args[0], args[1:]
            call = f"({receiver}).{op_name}({', '.join(rest + keywords)})"
        else:
            prefix = rng.choice(("torch.", "")) if function else "torch."
            call = f"{prefix}{op_name}({', '.join(args + keywords)})"
        lines.append(f"r{i} = {call}")
        lines.append(f"r{i}")
        if rng.random() < 0.3:
            lines.append(f"r{i}.sum().backward() if hasattr_grad(r{i}) else None".replace(
                "hasattr_grad(r" + str(i) + ")", f"isinstance(r{i}, torch.Tensor) and r{i}.requires_grad"))
    return "\n".join(lines) + "\n"


GENERATORS = {"text": random_text, "tokens": token_soup, "mutation": mutate, "ops": op_program}


def any_program(rng: random.Random) -> tuple[str, str]:
    """A program from a generator picked at random: (generator name, source)."""
    kind = rng.choice(("text", "tokens", "mutation", "mutation", "ops", "ops", "grammar", "grammar"))
    return kind, GENERATORS[kind](rng)


# ---------------------------------------------------------------- valid programs from the grammar

_ATOMS = ["a", "b", "n", "s", "xs", "0", "1", "-1", "2", "3", "0.5", "-2.5", "1e308", "1j", "True", "False",
          "None", "...", "'ab'", "0x1f", "0o7", "0b101", "1_000", "float('nan')", "float('inf')"]
_BINARY = ["+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>"]
_COMPARE = ["<", ">", "==", "!=", "<=", ">=", "in", "not in", "is", "is not"]
_METHODS = ["sum()", "mean()", "shape", "T", "dtype", "view(-1)", "reshape(-1, 1)", "float()", "long()",
            "abs()", "tolist()", "numel()", "dim()", "clone()", "detach()", "unsqueeze(0)", "squeeze()",
            "t()", "max()", "argmax()", "cumsum(0)", "exp()", "sqrt()", "item()", "requires_grad", "grad",
            "softmax(0)", "flip(0)", "expand(2, -1)", "numpy()", "contiguous()", "sort()", "unbind()"]
_CALLS = ["len", "range", "list", "tuple", "max", "min", "sum", "abs", "sorted", "zip", "enumerate", "str",
          "repr", "int", "float", "bool", "round", "reversed", "all", "any", "tensor", "torch.tensor",
          "torch.stack", "torch.cat", "F.relu", "np.array", "print", "type", "hash", "format", "set", "dict",
          "callable", "iter", "dir", "divmod", "pow"]
_FORMAT_SPECS = ["", "!r", "!s", ":>8", ":<6", ":^7", ":.3f", ":.2e", ":,", ":08.2f", ":+d", ":x", "!r:>10", ":{w}"]


def _expr(rng: random.Random, depth: int) -> str:
    """A random expression of the language, nested at most `depth` deep."""
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(_ATOMS)
    d = depth - 1
    kind = rng.randrange(14)
    if kind == 0:
        return f"({_expr(rng, d)} {rng.choice(_BINARY)} {_expr(rng, d)})"
    if kind == 1:
        return f"({rng.choice(['-', '+', '~', 'not '])}{_expr(rng, d)})"
    if kind == 2:
        ops = " ".join(f"{rng.choice(_COMPARE)} {_expr(rng, d)}" for _ in range(rng.randint(1, 3)))
        return f"({_expr(rng, d)} {ops})"
    if kind == 3:
        return f"({_expr(rng, d)} if {_expr(rng, d)} else {_expr(rng, d)})"
    if kind == 4:
        return f"({_expr(rng, d)} {rng.choice(['and', 'or'])} {_expr(rng, d)})"
    if kind == 5:
        params = rng.choice(["", "v", "v, w=2", "v=1"])
        body = _using(_expr(rng, d), "v") if "v" in params else _expr(rng, d)
        args = {"": "", "v": _expr(rng, d), "v, w=2": f"{_expr(rng, d)}, w={_expr(rng, d)}", "v=1": ""}[params]
        return f"(lambda {params}: {body})({args})"
    if kind == 6:
        part = lambda: rng.choice(["", _expr(rng, 0), "-1", "1"])  # noqa: E731
        index = rng.choice([_expr(rng, d), f"{part()}:{part()}", f"{part()}:{part()}:{rng.choice(['', '1', '2', '-1'])}",
                            "...", "None", f"{part()}:, {part()}", "..., 0", "a > 0", "[0, 1]"])
        return f"{_expr(rng, d)}[{index}]"
    if kind == 7:
        return f"{rng.choice(['a', 'b', '(a + b)', '(a * 2)'])}.{rng.choice(_METHODS)}"
    if kind == 8:
        args = ", ".join(_expr(rng, d) for _ in range(rng.randint(0, 3)))
        return f"{rng.choice(_CALLS)}({args})"
    if kind == 9:
        items = ", ".join(_expr(rng, d) for _ in range(rng.randint(0, 3)))
        return rng.choice([f"[{items}]", f"({items},)" if items else "()"])
    if kind == 10:
        return f"{rng.choice(_CALLS)}(*{rng.choice(['xs', '[1, 2]', 'a', '()'])})"
    if kind == 11:
        return f"torch.{rng.choice(['zeros', 'ones', 'randn', 'arange'])}({rng.randint(0, 4)}, {rng.randint(1, 3)})"
    if kind == 12:
        return f"'{rng.choice(['%s', '%d', '%5.2f', 'x'])}' % {_expr(rng, d)}"
    if kind == 14:  # comprehensions over a loop variable, filtered or not
        body = _using(_expr(rng, d), "v")
        source = rng.choice(["xs", "range(3)", "a", "s", "zip(xs, xs)" if "v" not in body else "xs", _expr(rng, d)])
        condition = rng.choice(["", " if " + _using(_expr(rng, d), "v"), " if v"])
        return rng.choice([f"[{body} for v in {source}{condition}]", f"{{{body} for v in {source}{condition}}}",
                           f"{{v: {body} for v in {source}{condition}}}",
                           f"[[v, w] for v in range(2) for w in {source}]"])
    if kind == 15:  # generator expressions, as arguments and on their own
        body = _using(_expr(rng, d), "v")
        return rng.choice([f"{rng.choice(['sum', 'list', 'any', 'all', 'max', 'min', 'tuple', 'sorted'])}"
                           f"({body} for v in {rng.choice(['xs', 'range(3)', 'a', _expr(rng, d)])})",
                           f"({body} for v in xs)", f"next(({body} for v in xs), None)"])
    if kind == 16:  # f-strings: conversions, specs, nested specs
        return _fstring(rng, d)
    if kind == 17:  # str.format and format()
        return rng.choice([f"'{{}} and {{!r}}'.format({_expr(rng, d)}, {_expr(rng, d)})",
                           f"'{{0}}{{1:>4}}'.format({_expr(rng, d)}, {_expr(rng, d)})",
                           f"'{{x.real}}'.format(x={_expr(rng, d)})", f"format({_expr(rng, d)}, '>6')",
                           f"'{{0[0]}}'.format({_expr(rng, d)})"])
    if kind == 18:  # the assignment expression
        return f"(y := {_expr(rng, d)})"
    if kind == 19:  # builtins that ask about values
        return rng.choice([f"isinstance({_expr(rng, d)}, {rng.choice(['int', '(int, float)', 'str', 'torch.Tensor', 'list', 'Exception'])})",
                           f"hasattr({_expr(rng, d)}, {rng.choice(['shape', 'real', 'append', 'x'])!r})",
                           f"type({_expr(rng, d)})", f"len(dir({_expr(rng, d)}))", f"callable({_expr(rng, d)})"])
    return f"a.{rng.choice(['sum', 'mean', 'max', 'softmax'])}(dim={rng.randint(-2, 1)})"


def _using(expression: str, name: str) -> str:
    """`expression` with the variable n read from `name` instead (a loop variable, a parameter)."""
    return re.sub(r"\bn\b", name, expression)


def _fstring(rng: random.Random, depth: int) -> str:
    """An f-string with one to three fields; each field's expression is checked to fit inside one."""
    import ast

    parts = []
    for _ in range(rng.randint(1, 3)):
        inner = _expr(rng, depth)
        if '"' in inner or "\\" in inner or "{" in inner or "}" in inner or "!=" in inner or ":" in inner:
            inner = rng.choice(_ATOMS[:12])  # an f-string field cannot hold these (before Python 3.12)
        spec = rng.choice(_FORMAT_SPECS)
        parts.append(rng.choice(["", "x=", " ", "; "]) + "{" + f"({inner})" + spec + "}")
    text = 'f"' + "".join(parts) + '"'
    if "{w}" in text:
        text = f"(lambda w: {text})({rng.choice(['3', '0', '12', '-1', '10**9', chr(39) + '>5' + chr(39)])})"
    try:
        ast.parse(text)
    except SyntaxError:
        return "f\"{n!r:>6}\""
    return text


def _block(rng: random.Random, depth: int, indent: str, count: tuple[int, int] = (1, 2)) -> list[str]:
    """One or more random statements, indented; `pass` where depth runs out."""
    if depth <= 0:
        return [f"{indent}pass"]
    return [line for _ in range(rng.randint(*count)) for line in _statement(rng, depth - 1, indent)]


def _statement(rng: random.Random, depth: int, indent: str = "") -> list[str]:
    kind = rng.randrange(22)
    if kind >= 12:
        return _python_statement(rng, kind, depth, indent)
    e = lambda: _expr(rng, depth)  # noqa: E731
    if kind == 0:
        return [f"{indent}{rng.choice(['a', 'b', 'n', 's', 'xs', 'y'])} = {e()}"]
    if kind == 1:
        return [f"{indent}{rng.choice(['a, b', '(n, s)', '[y, z]', 'y, z'])} = {e()}"]
    if kind == 2:
        op = rng.choice(["+=", "-=", "*=", "/=", "**=", "@=", "//=", "|=", "<<="])
        return [f"{indent}{rng.choice(['a', 'n', 's', 'xs', 'a[0]', 'b[..., -1]'])} {op} {e()}"]
    if kind == 3:
        return [f"{indent}a[{rng.choice(['0', ':', '...', 'a > 0', '0, 0', '-1:'])}] = {e()}"]
    if kind == 4 and depth > 0:
        body = [line for _ in range(rng.randint(1, 2)) for line in _statement(rng, depth - 1, indent + "    ")]
        return [f"{indent}for {rng.choice(['i', 'i, j', 'v'])} in {rng.choice(['range(3)', 'xs', 'a', 'zip(xs, xs)', 'enumerate(xs)', e()])}:", *body]
    if kind == 5 and depth > 0:
        body = [line for line in _statement(rng, depth - 1, indent + "    ")]
        other = [line for line in _statement(rng, depth - 1, indent + "    ")]
        return [f"{indent}if {e()}:", *body, f"{indent}else:", *other]
    if kind == 6 and depth > 0:
        body = [line for line in _statement(rng, depth - 1, indent + "    ")]
        return [f"{indent}with {rng.choice(['torch.no_grad()', 'torch.enable_grad()', e()])}{rng.choice(['', ' as g'])}:", *body]
    if kind == 7:
        return [f"{indent}{rng.choice(['import torch', 'import numpy as np', 'from torch import nn', 'import torch.nn.functional as F', 'from torch import *', 'import torch.nn'])}"]
    if kind == 8:
        return [f"{indent}print({e()}, {e()}, sep={rng.choice(['None', repr(',')])})"]
    if kind == 9:
        return [f"{indent}{e()}{rng.choice(['', ';'])}"]
    if kind == 10:
        return [f"{indent}{e()}; {e()}"]
    return [f"{indent}pass"]


def _python_statement(rng: random.Random, kind: int, depth: int, indent: str) -> list[str]:
    """The statements of Python beyond expressions and blocks: functions, closures, lambdas, classes,
    while loops, try/except/finally, raise, comprehensions, f-strings, del, global."""
    e = lambda: _expr(rng, depth)  # noqa: E731
    inner = indent + "    "
    v_expr = lambda: _using(_expr(rng, depth), "v")  # noqa: E731 - an expression of the parameter
    name = f"f{rng.randint(0, 9)}"
    if kind == 12:  # def / return, called at once
        params = rng.choice(["v", "v, w=2", "v, *rest", "v, *, k=1", "v=None, **kw", "v, /, w=0"])
        body = _block(rng, depth, inner) if rng.random() < 0.5 else []
        args = rng.choice([e(), f"{e()}, {e()}", f"v={e()}", f"*{rng.choice(['xs', '[1]', '()'])}"])
        return [f"{indent}def {name}({params}):", *body, f"{inner}return {v_expr()}",
                f"{indent}y = {name}({args if 'v=' not in args or params.startswith('v=') else e()})"]
    if kind == 13:  # a closure, nonlocal, and a recursive function with a base case
        choice = rng.randrange(3)
        if choice == 0:
            return [f"{indent}def {name}(k):", f"{inner}def inner(v):", f"{inner}    return {v_expr()} if k else v",
                    f"{inner}return inner", f"{indent}y = {name}({e()})({e()})"]
        if choice == 1:
            return [f"{indent}def {name}():", f"{inner}count = 0", f"{inner}def bump():",
                    f"{inner}    nonlocal count", f"{inner}    count += 1", f"{inner}    return count",
                    f"{inner}return bump", f"{indent}counter = {name}()", f"{indent}y = counter() + counter()"]
        return [f"{indent}def {name}(v):", f"{inner}return {rng.choice(['1', 'v', e()])} if v <= 0 else "
                f"{name}(v - 1) + 1", f"{indent}y = {name}({rng.choice(['3', '0', '-1', '50', 'True'])})"]
    if kind == 14:  # lambdas, default arguments, sorted with a key
        return [rng.choice([f"{indent}g = lambda v, w=1: {v_expr()}", f"{indent}g = lambda *v: len(v)",
                            f"{indent}g = lambda v=[]: v"]),
                rng.choice([f"{indent}y = g({e()})", f"{indent}y = sorted(xs, key=lambda v: {v_expr()})",
                            f"{indent}y = list(map(lambda v: {v_expr()}, xs))"])]
    if kind == 15:  # a class with __init__, a method, a property, maybe a subclass calling super()
        cls = f"C{rng.randint(0, 9)}"
        lines = [f"{indent}class {cls}:", f"{inner}kind = {rng.choice(['1', repr('k'), 'None'])}",
                 f"{inner}def __init__(self, v, w=2):", f"{inner}    self.v = v", f"{inner}    self.w = w",
                 f"{inner}def get(self, k=1):", f"{inner}    return " + _using(_expr(rng, depth), "self.v")]
        if rng.random() < 0.5:
            lines += [f"{inner}def __repr__(self):", f"{inner}    return f\"{cls}({{self.v!r}})\""]
        if rng.random() < 0.4:
            lines += [f"{inner}@property", f"{inner}def twice(self):", f"{inner}    return self.w * 2"]
        if rng.random() < 0.4:
            lines += [f"{inner}def __len__(self):", f"{inner}    return 3",
                      f"{inner}def __getitem__(self, i):", f"{inner}    return [self.v, self.w, 0][i]"]
        obj = cls
        if rng.random() < 0.4:
            obj = f"D{cls[1:]}"
            lines += [f"{indent}class {obj}({cls}):", f"{inner}def get(self, k=1):",
                      f"{inner}    return super().get(k)"]
        lines += [f"{indent}p = {obj}({e()})", rng.choice([f"{indent}y = p.get()", f"{indent}p.v = {e()}",
                                                          f"{indent}p.w += 1", f"{indent}y = p", f"{indent}p",
                                                          f"{indent}y = isinstance(p, {cls})", f"{indent}y = p.kind"])]
        return lines
    if kind == 16:  # while with break / continue, bounded by a counter no other statement writes
        tick = f"tick{len(indent) // 4}"
        return [f"{indent}{tick} = 0", f"{indent}while {rng.choice([f'{tick} < 3', 'True', f'{tick} < len(xs)'])}:",
                f"{inner}{tick} += 1", *_block(rng, depth, inner, (0, 1)),
                f"{inner}if {tick} {rng.choice(['>=', '>'])} {rng.choice(['2', '3'])}:", f"{inner}    break",
                f"{inner}{rng.choice(['continue', 'pass'])}"]
    if kind == 17:  # try / except / else / finally, raise
        head = rng.choice(["ValueError", "(TypeError, ValueError)", "Exception", "ZeroDivisionError",
                           "IndexError", "RuntimeError", "KeyError", "BaseException", ""])
        lines = [f"{indent}try:", *_block(rng, depth, inner)]
        if rng.random() < 0.3:
            lines.append(f"{inner}raise {rng.choice(['ValueError', 'RuntimeError', 'KeyError'])}({e()})")
        lines += [f"{indent}except {head}{' as err' if head and rng.random() < 0.5 else ''}:",
                  f"{inner}{rng.choice(['y = 0', 'pass', 'print(1)'])}"]
        if rng.random() < 0.3:
            lines += [f"{indent}else:", f"{inner}y = 1"]
        if rng.random() < 0.3:
            lines += [f"{indent}finally:", f"{inner}z = 2"]
        return lines
    if kind == 18:  # comprehensions and generator expressions as statements
        body = _using(_expr(rng, depth), "v")
        return [rng.choice([f"{indent}ys = [{body} for v in xs]", f"{indent}total = sum({body} for v in range(3))",
                            f"{indent}table = {{v: {body} for v in xs if v}}",
                            f"{indent}ys = [v for row in [xs, xs] for v in row if v > 1]"])]
    if kind == 19:  # f-strings printed and assigned
        return [rng.choice([f"{indent}print({_fstring(rng, depth)})", f"{indent}s = {_fstring(rng, depth)}"])]
    if kind == 20:  # del, global, assert
        choice = rng.randrange(3)
        if choice == 0:
            return [f"{indent}y = {e()}", f"{indent}del {rng.choice(['y', 'xs[0]', 'xs[:1]'])}"]
        if choice == 1:
            return [f"{indent}def {name}():", f"{inner}global n", f"{inner}n = {e()}", f"{indent}{name}()"]
        return [f"{indent}assert {e()}{rng.choice(['', ', ' + repr('message')])}"]
    # kind 21: a decorated function, under torch.no_grad() or a decorator of the program's own
    return [f"{indent}def deco(fn):", f"{indent}    return fn",
            f"{indent}@{rng.choice(['deco', 'torch.no_grad()'])}", f"{indent}def {name}(v):",
            f"{inner}return {v_expr()}", f"{indent}y = {name}({e()})"]


def grammar_program(rng: random.Random) -> str:
    """A syntactically valid program: a few variables, then random statements of every grammar rule
    (assignment forms, blocks, imports, lambdas, slices, ternaries, comparisons, functions, closures,
    classes, while loops, try/except, comprehensions, generator expressions, f-strings) over them."""
    lines = [f"a = {_tensor(rng, _shape(rng) or (2,), rng.choice(DTYPES))}",
             f"b = {_tensor(rng, _shape(rng), rng.choice(DTYPES))}",
             f"n = {rng.choice(['0', '3', '-2', '2.5', 'True'])}", "s = 'text'", "xs = [1, 2, 3]"]
    for _ in range(rng.randint(1, 6)):
        statement = _statement(rng, rng.randint(1, 3))
        if rng.random() < 0.5 and not any("import *" in line for line in statement):
            # Most random statements fail; caught, the program goes on to the statements after them.
            handler = rng.choice(["Exception", "Exception as err", "(TypeError, ValueError, RuntimeError)", ""])
            statement = ["try:", *("    " + line for line in statement), f"except {handler}:".replace(" :", ":"),
                         "    pass"]
        lines.extend(statement)
    return "\n".join(lines) + "\n"


GENERATORS["grammar"] = grammar_program
