"""The text of `:help NAME`: what a name is and what it takes, from its definition.

An op's help is its registry entry (signature, docstring, family, forms, aliases); any
other callable's comes from `inspect`; a module lists its members; a variable is
summarised. Names resolve as in completion (`signatures.resolve`): no code runs.
"""

from __future__ import annotations

import inspect
from typing import Any

from tensorsh.lang import namespace
from tensorsh.lang.errors import closest
from tensorsh.lang import signatures


def help_text(name: str, session: Any) -> str | None:
    """The help for a builtin, a method (`t.view`), a module member or a variable; None if unknown."""
    if name == "syntax":
        return SYNTAX
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
        doc = _doc(value)
        line = signatures.signature_line(name, value, width=None)
        return f"{line}\n{_indent(doc)}" if doc else line
    described = signatures.describe_value(value)
    attributes = namespace.attribute_names(value)
    text = f"{name}: {described}"
    if attributes:
        text += (f"\n  {len(attributes)} attributes: Tab after `{name}.` lists them, "
                 f"`:help {name}.NAME` describes one")
    return text


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


def _columns(names: list[str], width: int = 78) -> str:
    cell = max((len(n) for n in names), default=0) + 2
    per_row = max(1, (width - 2) // cell)
    rows = [names[i:i + per_row] for i in range(0, len(names), per_row)]
    return "\n".join("  " + "".join(n.ljust(cell) for n in row).rstrip() for row in rows)


def no_help(name: str, session: Any) -> str:
    """The message for a name with no help, with the closest known name."""
    head = name.rpartition(".")[2]
    candidates = list(session.variables) + list(session.builtins) + list(signatures.all_ops())
    suggestion = closest(head, candidates)
    hint = f"; did you mean '{suggestion}'?" if suggestion and suggestion != head else ""
    return f"no help for '{name}': it is not a name in scope{hint}"


# ---------------------------------------------------------------- :help syntax

def _protocol_list() -> str:
    import textwrap

    from tensorsh.lang.validator import protocol_summary

    return textwrap.fill(protocol_summary(), width=88, initial_indent=" " * 14,
                         subsequent_indent=" " * 14).strip()


SYNTAX = f"""The tensorsh language is Python's syntax (parsed by CPython itself) with PyTorch's API as
its standard library, run inside a sandbox. What Python has, tensorsh has, except:

  refused     async/await, yield (generator functions; generator expressions are fine),
              match, except*, metaclasses (class C(metaclass=M)), relative imports
  names       nothing that starts with '_' (a lone _ is fine): no __class__, __dict__,
              _private; a class may define the protocol methods
              {_protocol_list()},
              and call super().__init__(...)
  imports     torch (and torch.nn, torch.nn.functional, torch.linalg, torch.autograd),
              numpy (a subset), math, random; from __future__ import ... has no effect
  builtins    Python's, without eval, exec, open, getattr, setattr, vars, globals, input;
              type() takes one argument; min, max, sum, abs, round, all, any are Python's,
              and torch's where Python's cannot take a tensor (round(t)) or with dim=
  except      `except:` and `except BaseException` catch errors, never Ctrl-C or exit()
  files       only save(obj, 'x.npy') and load('x.npz'), inside the working directory

Every public name of torch is also bare (tensor, zeros, softmax, float32, pi); F is
torch.nn.functional, np a NumPy subset, grad(outputs, inputs) torch.autograd.grad.
A top-level expression prints its value unless the line ends with ';'.
Errors point at the code that failed; a syntax error anywhere in a file runs nothing."""
