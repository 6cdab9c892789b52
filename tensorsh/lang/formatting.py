"""Formatting a program may do — f-string fields, `format()`, `str.format`, `%` — with its
sizes bounded, and with `str.format`'s fields reaching attributes only through the
allow-lists (`'{0.shape}'` works, `'{0.__class__}'` does not).
"""

from __future__ import annotations

import re
import string
from typing import Any, Callable

from tensorsh.engine import limits

_PERCENT_FIELD = re.compile(r"[-+ #0]*(\*|\d*)(?:\.(\*|\d+))?")
_SPEC = re.compile(r"(?s)(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?")
_CONVERSIONS = {-1: None, 115: str, 114: repr, 97: ascii}  # f"{x}", !s, !r, !a


def _check_widths(numbers) -> None:
    for number in numbers:
        number = (number or "").lstrip("-")
        if number and (len(number) > 9 or int(number) > limits.max_memory()):
            raise MemoryError(f"the format width {number} is too large")


def check_percent(template: Any, values: Any = ()) -> None:
    """`'%0999999999d' % 1`, `'%*d' % (999999999, 1)`: refuse widths and precisions that would
    build a huge string."""
    if isinstance(template, (bytes, bytearray)):
        template = bytes(template).decode("latin-1")
    if not isinstance(template, str):
        return
    numbers = [n for pair in _percent_fields(template) for n in pair]
    _check_widths(n for n in numbers if n != "*")
    if "*" in numbers:  # widths taken from the values: the items `%` itself reads
        items = [tuple.__getitem__(values, i) for i in range(tuple.__len__(values))] \
            if isinstance(values, tuple) else [values]
        _check_widths(str(v) for v in items if isinstance(v, int) and not isinstance(v, bool))


def _percent_fields(template: str):
    """(width, precision) of each `%` conversion; a mapping key may hold nested brackets."""
    i = template.find("%")
    while i != -1:
        i += 1
        if template.startswith("(", i):
            depth = 0
            while i < len(template):
                depth += {"(": 1, ")": -1}.get(template[i], 0)
                i += 1
                if depth == 0:
                    break
        match = _PERCENT_FIELD.match(template, i)
        yield match.groups("")
        i = template.find("%", match.end() + (1 if template.startswith("%", match.end()) else 0))


def check_spec(spec: str) -> None:
    """A format spec's width and precision, bounded like `%` formatting's."""
    match = _SPEC.match(spec)
    if match:
        _check_widths(match.group("width", "precision"))


def format_field(value, conversion: int, spec: str):
    """One f-string field: `{value!conversion:spec}`."""
    convert = _CONVERSIONS[conversion]
    if convert is not None:
        value = convert(value)
    if spec:
        check_spec(spec)
    return format(value, spec)


def builtin_format(value, format_spec: str = "") -> str:
    """format(value, format_spec=''): value formatted by the spec, as in an f-string."""
    return format_field(value, -1, format_spec)


builtin_format.__name__ = builtin_format.__qualname__ = "format"


def _numbered(text: str) -> str:
    """`text` with its automatically numbered fields numbered (`{.real}` -> `{0.real}`), which
    string.Formatter leaves to str.format's own parser; manual and automatic numbering still
    may not mix, with str.format's error."""
    from _string import formatter_parser  # what string.Formatter itself parses with

    counter = iter(range(len(text) + 1))
    manual = automatic = False

    def rebuild(template: str) -> str:
        nonlocal manual, automatic
        parts = []
        for literal, field, spec, conversion in formatter_parser(template):
            parts.append(literal.replace("{", "{{").replace("}", "}}"))
            if field is None:
                continue
            if field == "" or field[0] in ".[":
                automatic = True
                field = f"{next(counter)}{field}"
            elif field.split(".")[0].split("[")[0].isdigit():
                manual = True
            if manual and automatic:
                raise ValueError("cannot switch from manual field specification to automatic field numbering")
            parts.append("{" + field + (f"!{conversion}" if conversion else "")
                         + (f":{rebuild(spec)}" if spec else "") + "}")
        return "".join(parts)

    return rebuild(text)


class SafeFormatter(string.Formatter):
    """`str.format` whose fields read attributes with `get_attribute` (the allow-lists) and
    whose widths are bounded."""

    def __init__(self, get_attribute: Callable[[Any, str], Any]):
        self.get_attribute = get_attribute

    def get_value(self, key, args, kwargs):
        # Python's own errors for a missing field, raised here in the language rather than in
        # the standard library's string module, so that they read as the program's mistake.
        if isinstance(key, int):
            if key >= len(args):
                raise IndexError(f"Replacement index {key} out of range for positional args tuple")
            return args[key]
        if key not in kwargs:
            raise KeyError(key)
        return kwargs[key]

    def get_field(self, field_name, args, kwargs):
        from _string import formatter_field_name_split  # what string.Formatter itself uses

        first, rest = formatter_field_name_split(field_name)
        value = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            if is_attribute:
                if key.startswith("_"):
                    raise AttributeError(f"format field '{field_name}': attributes that start with '_' "
                                         "are not part of tensorsh")
                value = self.get_attribute(value, key)
            else:
                value = value[key]
        return value, first

    def format_field(self, value, format_spec):
        check_spec(format_spec)
        return format(value, format_spec)

    def method(self, text: str) -> Callable[..., str]:
        """`text.format`, bound to the string."""
        def format(*args, **kwargs):  # noqa: A001 - it is str.format
            return self.vformat(_numbered(text), args, kwargs)

        format.__qualname__ = "str.format"
        return format
