"""What a Jupyter cell shows, as IPython decides it.

The rule (IPython's default `ast_node_interactivity = "last_expr"`): only the cell's last
statement is shown, and only if it is an expression and the cell does not end in `;`; a
value of None shows nothing. The language applies it: `Session.run(..., show="last")`.

The text of the value is IPython's pretty printer (`IPython.lib.pretty`, what Jupyter's
`text/plain` is): a value with its own `__repr__` is that repr; lists, tuples, dicts and sets
are laid out by a Wadler-style printer that breaks the outermost groups first until each
line fits in 79 columns, one element per line, indented under the opening bracket, and a
repr of several lines (a tensor's) keeps its continuation lines under its first. The
printer below follows IPython's algorithm step for step, quirks included, because the
notebook's text is what it printed.
"""

from __future__ import annotations

import io
import types
from collections import deque
from typing import Any, Callable

MAX_WIDTH = 79
MAX_SEQUENCE = 1000  # IPython's max_seq_length: longer sequences end in "..."


# ---------------------------------------------------------------- the pretty printer


def pretty(value: Any, width: int = MAX_WIDTH, legacy: bool = False) -> str:
    """The text Jupyter shows for `value` (`IPython.lib.pretty.pretty`). `legacy`: as IPython before
    7.12 laid it out (ipython/ipython#12099), where a repr of several lines did not break the
    groups around it: `(tensor([[1],\n         [2]]), torch.Size([2, 1]))` on one line at its end.
    Colab ran such an IPython for years, so notebooks show both."""
    out = io.StringIO()
    printer = _Printer(out, width, legacy)
    printer.pretty(value)
    printer.flush()
    return out.getvalue()


class _Text:
    def __init__(self):
        self.parts: list[str] = []
        self.width = 0

    def output(self, out, width: int) -> int:
        out.write("".join(self.parts))
        return width + self.width


class _Breakable:
    """A place that is a space when its group fits, a new line when the group breaks."""

    def __init__(self, printer: _Printer):
        self.width = 1
        self.printer = printer
        self.indentation = printer.indentation
        self.group = printer.groups[-1]
        self.group.breakables.append(self)

    def output(self, out, width: int) -> int:
        self.group.breakables.popleft()
        if self.group.want_break:
            out.write("\n" + " " * self.indentation)
            return self.indentation
        if not self.group.breakables:
            self.printer.queue.remove(self.group)
        out.write(" ")
        return width + 1


class _Group:
    def __init__(self, depth: int):
        self.depth = depth
        self.breakables: deque[_Breakable] = deque()
        self.want_break = False


class _GroupQueue:
    """Open groups by depth: the outermost group with a breakable is the next to break."""

    def __init__(self, root: _Group):
        self.levels: list[list[_Group]] = []
        self.add(root)

    def add(self, group: _Group) -> None:
        while group.depth >= len(self.levels):
            self.levels.append([])
        self.levels[group.depth].append(group)

    def take(self) -> _Group | None:
        for level in self.levels:
            # IPython looks from the newest group but deletes by the index from the oldest:
            # the group it deletes may not be the one it breaks. Its layouts come from that.
            for index, group in enumerate(reversed(level)):
                if group.breakables:
                    del level[index]
                    group.want_break = True
                    return group
            for group in level:
                group.want_break = True
            del level[:]
        return None

    def remove(self, group: _Group) -> None:
        if group in self.levels[group.depth]:
            self.levels[group.depth].remove(group)


class _Printer:
    """IPython's RepresentationPrinter for the values a tensorsh program makes."""

    def __init__(self, out, width: int, legacy: bool = False):
        self.out = out
        self.legacy = legacy
        self.max_width = width
        self.output_width = 0
        self.buffer_width = 0
        self.buffer: deque = deque()
        root = _Group(0)
        self.groups = [root]
        self.queue = _GroupQueue(root)
        self.indentation = 0
        self.stack: list[int] = []  # ids of the containers being printed: a cycle prints "..."

    # -- layout

    def text(self, text: str) -> None:
        if not self.buffer:
            self.out.write(text)
            self.output_width += len(text)
            return
        last = self.buffer[-1]
        if not isinstance(last, _Text):
            last = _Text()
            self.buffer.append(last)
        last.parts.append(text)
        last.width += len(text)
        self.buffer_width += len(text)
        self._break_outer_groups()

    def breakable(self) -> None:
        if self.groups[-1].want_break:
            self._new_line()
        else:
            self.buffer.append(_Breakable(self))
            self.buffer_width += 1
            self._break_outer_groups()

    def hard_break(self) -> None:
        group = None if self.legacy else self.queue.take()
        if group is not None:
            self._break_one_group(group)
        self._new_line()

    def _new_line(self) -> None:
        self.flush()
        self.out.write("\n" + " " * self.indentation)
        self.output_width = self.indentation
        self.buffer_width = 0

    def begin(self, indent: int = 0, opening: str = "") -> None:
        if opening:
            self.text(opening)
        group = _Group(self.groups[-1].depth + 1)
        self.groups.append(group)
        self.queue.add(group)
        self.indentation += indent

    def end(self, dedent: int = 0, closing: str = "") -> None:
        self.indentation -= dedent
        group = self.groups.pop()
        if not group.breakables:
            self.queue.remove(group)
        if closing:
            self.text(closing)

    def flush(self) -> None:
        for item in self.buffer:
            self.output_width += item.output(self.out, self.output_width)
        self.buffer.clear()
        self.buffer_width = 0

    def _break_one_group(self, group: _Group) -> None:
        while group.breakables:
            item = self.buffer.popleft()
            self.output_width = item.output(self.out, self.output_width)
            self.buffer_width -= item.width
        while self.buffer and isinstance(self.buffer[0], _Text):
            item = self.buffer.popleft()
            self.output_width = item.output(self.out, self.output_width)
            self.buffer_width -= item.width

    def _break_outer_groups(self) -> None:
        while self.max_width < self.output_width + self.buffer_width:
            group = self.queue.take()
            if group is None:
                return
            self._break_one_group(group)

    # -- values

    def pretty(self, value: Any) -> None:
        cycle = id(value) in self.stack
        self.stack.append(id(value))
        self.begin()
        try:
            self._dispatch(value, cycle)
        finally:
            self.end()
            self.stack.pop()

    def _dispatch(self, value: Any, cycle: bool) -> None:
        if value is None or value is True or value is False or value is Ellipsis:
            return self._repr(value)
        for cls in type(value).__mro__:
            printer = _PRINTERS.get(cls) or _PRINTERS_BY_NAME.get((cls.__module__, cls.__name__))
            if printer is not None:
                return printer(self, value, cycle)
            if cls is not object and "__repr__" in cls.__dict__:
                return self._repr(value)
        self.text(f"<{_type_name(type(value))} at 0x{id(value):x}>")

    def _repr(self, value: Any, cycle: bool = False) -> None:
        self.begin()
        for index, line in enumerate(repr(value).splitlines()):
            if index:
                self.hard_break()
            self.text(line)
        self.end()

    def items(self, values, opening: str, closing: str, one_tuple: bool = False,
              show: Callable[[Any], None] | None = None) -> None:
        """`opening item, item, ... closing`, each item as `show` prints it (its pretty form by default)."""
        self.begin(len(opening), opening)
        for index, item in enumerate(values):
            if index >= MAX_SEQUENCE:
                self.text(",")
                self.breakable()
                self.text("...")
                break
            if index:
                self.text(",")
                self.breakable()
            (show or self.pretty)(item)
        if one_tuple:
            self.text(",")
        self.end(len(opening), closing)

    def call(self, name: str, *arguments) -> None:
        """`name(arg, ...)`, as IPython's CallExpression prints collections' dict types."""
        opening = name + "("
        self.begin(len(opening), opening)
        for index, argument in enumerate(arguments):
            if index:
                self.text(",")
                self.breakable()
            self.pretty(argument)
        self.end(len(opening), ")")


def _type_name(cls: type) -> str:
    module = getattr(cls, "__module__", None)
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in (None, "builtins") else f"{module}.{name}"


def _sequence(opening: str, closing: str):
    def show(p: _Printer, value, cycle: bool) -> None:
        if cycle:
            return p.text(opening + "..." + closing)
        p.items(value, opening, closing, one_tuple=isinstance(value, tuple) and len(value) == 1)
    return show


def _set(opening: str, closing: str):
    def show(p: _Printer, value, cycle: bool) -> None:
        if cycle:
            return p.text(opening + "..." + closing)
        if not value:
            return p.text(type(value).__name__ + "()")
        items = value
        if len(value) < MAX_SEQUENCE:
            try:
                items = sorted(value)
            except Exception:  # noqa: BLE001 - unorderable members keep the set's order, as in IPython
                items = value
        p.items(items, opening, closing)
    return show


def _dict(p: _Printer, value: dict, cycle: bool) -> None:
    if cycle:
        return p.text("{...}")

    def entry(key) -> None:
        p.pretty(key)
        p.text(": ")
        p.pretty(value[key])

    p.items(value.keys(), "{", "}", show=entry)


def _type(p: _Printer, value: type, cycle: bool) -> None:
    if [m for m in type(value).__mro__ if "__repr__" in vars(m)][:1] != [type]:
        return p._repr(value)
    p.text(_type_name(value))


def _function(p: _Printer, value, cycle: bool) -> None:
    import inspect

    name = getattr(value, "__qualname__", value.__name__)
    module = getattr(value, "__module__", None)
    if module and module != "builtins":
        name = f"{module}.{name}"
    try:
        name += str(inspect.signature(value))
    except (ValueError, TypeError):
        pass
    p.text(f"<function {name}>")


def _ordered_dict(p: _Printer, value, cycle: bool) -> None:
    name = type(value).__name__
    if cycle:
        return p.text(f"{name}(...)")
    if value:
        p.call(name, list(value.items()))
    else:
        p.call(name)


def _default_dict(p: _Printer, value, cycle: bool) -> None:
    name = type(value).__name__
    if cycle:
        return p.text(f"{name}(...)")
    p.call(name, value.default_factory, dict(value))


def _counter(p: _Printer, value, cycle: bool) -> None:
    name = type(value).__name__
    if cycle:
        return p.text(f"{name}(...)")
    if value:
        p.call(name, dict(value.most_common()))
    else:
        p.call(name)


_PRINTERS = {
    int: _Printer._repr, float: _Printer._repr, str: _Printer._repr, bytes: _Printer._repr,
    range: _Printer._repr, slice: _Printer._repr, types.MethodType: _Printer._repr,
    tuple: _sequence("(", ")"), list: _sequence("[", "]"), dict: _dict,
    set: _set("{", "}"), frozenset: _set("frozenset({", "})"),
    type: _type, types.FunctionType: _function, types.BuiltinFunctionType: _function,
}

# IPython finds these by module and name, so that it need not import collections.
_PRINTERS_BY_NAME = {
    ("collections", "OrderedDict"): _ordered_dict,
    ("collections", "defaultdict"): _default_dict,
    ("collections", "Counter"): _counter,
}
