"""The text of `:help NAME`: what a name is and what it takes, from its definition.

An op's help is its registry entry (signature, docstring, family, forms, aliases); any
other callable's comes from `inspect`; a module lists its members; a variable is
summarised. Names resolve as in completion (`signatures.resolve`): no code runs.
"""

from __future__ import annotations

import inspect
import keyword
from typing import Any

from tensorsh.lang import namespace
from tensorsh.lang.errors import closest
from tensorsh.lang import signatures


def help_text(name: str, session: Any) -> str | None:
    """The help for a builtin, a method (`t.view`), a module member or a variable; None if unknown."""
    if name == "syntax":
        return syntax_help(session.modules)
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) and name in KEYWORDS:
        return keyword_help(name)
    try:
        value = signatures.resolve(name, session)
    except LookupError:
        short = name.rpartition(".")[2]
        entry = signatures.op_named(short) if name.isidentifier() or "." in name else None
        if entry is None:
            return None
        method = short in entry.inplace_names or not (entry.function or entry.linalg_name or
                                                       "functional" in entry.variants)
        return _op_help(entry, name, method=method)
    return value_help(name, value)


def value_help(name: str, value: Any) -> str:
    """The help for a value, shown under `name` (what `help(value)` in a program prints)."""
    if isinstance(value, namespace.Namespace):
        members = sorted(value.members)
        return f"module {value.name}: {len(members)} names\n" + _columns(members)
    if callable(value) and not isinstance(value, type):
        entry = signatures.op_for(value)
        is_method = getattr(value, "__self__", None) is not None and "." in name
        if entry is not None:
            return _op_help(entry, name, method=is_method)
        line = signatures.signature_line(name, value, width=None)
        doc = _doc(value)
        text = f"{line}\n{_indent(doc)}" if doc else line
        namesake = signatures.op_named(name) if name.isidentifier() else None
        if namesake is not None and namesake.function:  # Python's sum, min, max, abs, round
            text += f"\n  (this is Python's {name}; PyTorch's is torch.{name}: `:help torch.{name}`)"
        return text
    if isinstance(value, type):
        return _class_help(name, value)
    described = signatures.describe_value(value)
    attributes = namespace.attribute_names(value)
    text = f"{name}: {described}"
    if attributes:
        text += (f"\n  {len(attributes)} attributes: Tab after `{name}.` lists them, "
                 f"`:help {name}.NAME` describes one")
    return text


def _class_help(name: str, cls: type) -> str:
    """A class's constructor and summary, then its methods and attributes by family."""
    line = signatures.signature_line(name, cls, width=None)
    doc = _doc(cls)
    if doc.startswith(f"{cls.__name__}("):  # a generated docstring repeats the signature
        doc = ""
    lines = [line] + ([_indent(doc)] if doc else [])
    members = [n for n in namespace.attribute_names(cls) if not n.endswith("_") or n.rstrip("_") not in
               namespace.attribute_names(cls)]  # the in-place twins (add_) go with their op (add)
    if not members:
        return "\n".join(lines)
    count = f"{len(members)} {'attribute' if len(members) == 1 else 'methods and attributes'}"
    lines += ["", f"  {count}; `:help {name}.NAME` describes one:"]
    if not (cls.__name__ == "Tensor" and cls.__module__.startswith(namespace.ENGINE_MODULES)):
        lines.append(_columns(members))
        return "\n".join(lines)
    groups: dict[str, list[str]] = {}  # a tensor's by the op registry's families
    for member in members:
        entry = signatures.op_named(member)
        groups.setdefault(entry.family if entry is not None else "other", []).append(member)
    for family in sorted(groups, key=lambda f: (f == "other", f)):
        lines += [f"  {family}:", _columns(groups[family], indent=4)]
    return "\n".join(lines)


def _op_help(entry, name: str, method: bool) -> str:
    shown = name.rpartition(".")[2] if method else name
    signature = signatures.signature_of(entry.fn, as_method=method)
    head = f"{shown}{signature}" if signature is not None else entry.signature
    if method:
        head = f"Tensor.{head}"
    forms = entry.forms()
    lines = [head, _indent(entry.doc or "(no description)")]
    detail = f"family: {entry.family}"
    if forms:
        detail += "; forms: " + ", ".join(forms)
    if entry.aliases:
        detail += "; also called " + ", ".join(entry.aliases)
    if entry.grad_fns:
        detail += "; grad_fn " + ", ".join(entry.grad_fns)
    lines.append(_indent(detail))
    return "\n".join(lines)


def _doc(value: Any) -> str:
    return (inspect.getdoc(value) or "").strip()


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.splitlines())


def _columns(names: list[str], width: int = 78, indent: int = 2) -> str:
    cell = max((len(n) for n in names), default=0) + 2
    per_row = max(1, (width - indent) // cell)
    rows = [names[i:i + per_row] for i in range(0, len(names), per_row)]
    return "\n".join(" " * indent + "".join(n.ljust(cell) for n in row).rstrip() for row in rows)


def no_help(name: str, session: Any) -> str:
    """The message for a name with no help, with the closest known name."""
    head = name.rpartition(".")[2]
    candidates = list(session.variables) + list(session.builtins) + list(signatures.all_ops())
    suggestion = closest(head, candidates)
    hint = f"; did you mean '{suggestion}'?" if suggestion and suggestion != head else ""
    return f"no help for '{name}': it is not a name in scope{hint}"


# ---------------------------------------------------------------- :help KEYWORD

# Python's keywords as tensorsh runs them: the form, and one line on what it does.
KEYWORDS = {
    "for": ("for x in iterable:\n    ...\nelse:  # optional: runs when the loop ends without break\n    ...",
            "Run the block once per item: a tensor's items are its rows (for row in t: ...)."),
    "while": ("while condition:\n    ...", "Run the block again and again while the condition is true."),
    "if": ("if condition:\n    ...\nelif other:\n    ...\nelse:\n    ...",
           "Run the first block whose condition is true; a one-element tensor counts as its value."),
    "elif": ("if a:\n    ...\nelif b:\n    ...", "Another condition of an if, tried when those before were false."),
    "else": ("if c: ... else: ...   /   for ...: ... else: ...   /   try: ... except: ... else: ...",
             "The block when the if's conditions were false, the loop ended without break, or nothing raised."),
    "def": ("def name(a, b=1, *args, key=None, **kwargs):\n    return ...",
            "Define a function (defaults, *args, **kwargs, closures, recursion, decorators)."),
    "class": ("class Name(Base):\n    def __init__(self, ...):\n        super().__init__()",
              "Define a class; it may extend nn.Module or autograd.Function and define the protocol methods."),
    "return": ("return value", "End the function and give back value (None without one)."),
    "lambda": ("lambda x, y=1: x + y", "A function of one expression, without a name."),
    "with": ("with torch.no_grad():\n    ...", "Run the block inside a context manager (no_grad, enable_grad, ...)."),
    "import": ("import torch   /   import torch.nn as nn   /   import numpy as np   /   import math",
               "Bind a module: torch and its submodules, numpy, math, random (:help syntax)."),
    "from": ("from torch import nn, tensor   /   from torch.nn import functional as F",
             "Bind names from a module (or raise ... from ..., yield is not in tensorsh)."),
    "as": ("import numpy as np   /   with ... as x:   /   except ValueError as e:", "Give what comes before a name."),
    "try": ("try:\n    ...\nexcept RuntimeError as e:\n    ...\nfinally:\n    ...",
            "Run the block; on an error of that class run the except block; finally always runs."),
    "except": ("except (ValueError, TypeError) as e:", "Catch errors of these classes in a try (never Ctrl-C or exit())."),
    "finally": ("try:\n    ...\nfinally:\n    ...", "A block that runs after the try's, however it ended."),
    "raise": ("raise ValueError('message')", "Stop with an error, which an except can catch."),
    "assert": ("assert condition, 'message'", "Raise AssertionError with the message when the condition is false."),
    "del": ("del x   /   del d['key']   /   del lst[0]", "Forget a variable, or remove an item."),
    "pass": ("pass", "Do nothing: a block that must have a statement."),
    "break": ("break", "Leave the innermost loop now."),
    "continue": ("continue", "Go on with the next round of the innermost loop."),
    "global": ("global name", "Let the function assign the module-level variable name."),
    "nonlocal": ("nonlocal name", "Let the inner function assign the enclosing function's variable name."),
    "in": ("x in collection   /   for x in ...", "Whether x is an item (or key) of the collection."),
    "is": ("x is None", "Whether both are the same object."),
    "not": ("not x", "True when x is false."),
    "and": ("a and b", "a if it is false, else b."),
    "or": ("a or b", "a if it is true, else b."),
    "None": ("None", "The value of nothing: what a function without return gives back."),
    "True": ("True", "The true bool."),
    "False": ("False", "The false bool."),
    "yield": ("yield value", "Not in tensorsh: generator functions are left out (generator expressions work)."),
    "async": ("async def ...", "Not in tensorsh."),
    "await": ("await ...", "Not in tensorsh."),
    "match": ("match value:\n    case ...:", "Not in tensorsh: use if/elif."),
    "case": ("match value:\n    case ...:", "Not in tensorsh: use if/elif."),
}


def keyword_help(word: str) -> str:
    """The help for a Python keyword: its form and what it does."""
    form, what = KEYWORDS.get(word, (word, "A Python keyword; :help syntax says what tensorsh leaves out."))
    return f"keyword {word}\n{_indent(form)}\n\n{_indent(what)}"


# ---------------------------------------------------------------- :help syntax

def _column(text: str) -> str:
    """`text` wrapped into the right-hand column of `:help syntax`."""
    import textwrap

    return textwrap.fill(text, width=88, initial_indent=" " * 14, subsequent_indent=" " * 14).strip()


def syntax_help(modules) -> str:
    """`:help syntax`: what the language leaves out, with the modules this session can import."""
    from tensorsh.lang.validator import protocol_summary

    return SYNTAX.format(protocols=_column(protocol_summary()),
                         imports=_column(f"{', '.join(sorted(modules))}; from __future__ import ... "
                                         "has no effect"))


SYNTAX = """The tensorsh language is Python's syntax (parsed by CPython itself) with PyTorch's API as
its standard library, run inside a sandbox. What Python has, tensorsh has, except:

  refused     async/await, yield (generator functions; generator expressions are fine),
              match, except*, metaclasses (class C(metaclass=M)), relative imports
  names       nothing that starts with '_' (a lone _ is fine): no __class__, __dict__,
              _private; a class may define the protocol methods
              {protocols},
              and call super().__init__(...)
  imports     {imports}
  builtins    Python's, without eval, exec, open, getattr, setattr, vars, globals, input;
              type() takes one argument; min, max, sum, abs, round, all, any are Python's,
              and torch's where Python's cannot take a tensor (round(t)) or with dim=
  except      `except:` and `except BaseException` catch errors, never Ctrl-C or exit()
  files       only save(obj, 'x.npy') and load('x.npz'), inside the working directory

Every public name of torch is also bare (tensor, zeros, softmax, float32, pi); F is
torch.nn.functional, np a NumPy subset, grad(outputs, inputs) torch.autograd.grad.
A top-level expression prints its value unless the line ends with ';'.
Errors point at the code that failed; a syntax error anywhere in a file runs nothing."""
