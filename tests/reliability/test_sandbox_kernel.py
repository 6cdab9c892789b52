"""Sandbox: the Jupyter kernel's completion, inspection and cells.

Completion and inspection look at the session from outside the program: they must offer
and explain only what a program may name — nothing starting with `_`, neither the values'
internals nor the runtime's guards — and run none of the program's code (a property, a
`__repr__`) to find it. A cell runs only through the session, so what the validator and the
guards refuse in a program they refuse in a cell, before any of it runs. These are the
kernel's own replies (`tensorsh.kernel.replies`) and cells run as the kernel runs them, which need no Jupyter.
"""

from __future__ import annotations

import pytest

from tensorsh.kernel import replies
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session

PROGRAM = """
ran = []
class A:
    def __init__(self):
        self.v = 1
    @property
    def p(self):
        ran.append('p')
        return self
    def __repr__(self):
        ran.append('repr')
        return 'A()'
    def __len__(self):
        ran.append('len')
        return 1
    def __eq__(self, other):
        ran.append('eq')
        return True
    def __bool__(self):
        ran.append('bool')
        return True
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
    @property
    def size(self):
        ran.append('size')
        return self.fc
a = A()
net = Net()
x = torch.ones(2)
def f(a, b=1):
    return a
"""

# Completions that must offer no `_` name.
PRIVATE_COMPLETIONS = ["x.__", "x._", "x.__cl", "x.grad_fn.__", "torch._", "torch.__", "torch.nn._",
                       "np._", "F._", "print.__", "f.__", "f.__glo", "_", "_ts", "__bu", "a._", "a.__",
                       "A.__", "net._", "net.fc._", "Net.__", "().__", "x.sum(_", "load('_"]

# Names whose inspection must find nothing: internals and the runtime's own names.
PRIVATE_INSPECTIONS = ["x.__class__", "x.__class__.__subclasses__", "print.__globals__", "f.__globals__",
                       "f.__code__", "torch.__dict__", "np.__builtins__", "a.__dict__", "a.__class__",
                       "net._modules", "_tsh_getattr", "_tsh_show", "__builtins__", "__import__", "__build_class__",
                       "x._data"]

# Completions and inspections on the program's objects that must run none of its code.
PROGRAM_OBJECTS = [("complete", "a."), ("complete", "a.v"), ("complete", "net."), ("complete", "net.fc."),
                   ("complete", "f(a, "), ("inspect", "a"), ("inspect", "net"), ("inspect", "a.v"),
                   ("inspect", "f"), ("inspect", "net.fc"), ("complete", "A."), ("inspect", "A"),
                   ("complete", "f(a.p, ")]  # an argument is never evaluated

# ... through a property, which running the program would call: still none of its code.
THROUGH_PROPERTIES = [("complete", "a.p."), ("complete", "a.p.p."), ("inspect", "a.p"), ("inspect", "a.p.v"),
                      ("complete", "net.size."), ("inspect", "net.size"), ("inspect", "a.p.v(")]


@pytest.fixture
def session():
    s = Session(files_allowed=False)
    s.run(PROGRAM, "<program>")
    return s


def ask(kind: str, code: str, session: Session) -> dict:
    return getattr(replies, kind)(code, len(code), session)


@pytest.mark.parametrize("code", PRIVATE_COMPLETIONS)
def test_completion_offers_nothing_private(code, session):
    matches = ask("complete", code, session)["matches"]
    assert not [m for m in matches if m.startswith("_")], (code, matches)


@pytest.mark.parametrize("code", PRIVATE_INSPECTIONS)
def test_inspection_explains_nothing_private(code, session):
    assert ask("inspect", code, session) == {"status": "ok", "found": False, "data": {}, "metadata": {}}, code


@pytest.mark.parametrize("kind, code", PROGRAM_OBJECTS)
def test_completion_and_inspection_run_none_of_the_programs_code(kind, code, session):
    ask(kind, code, session)
    assert session.variables["ran"] == [], (kind, code)


@pytest.mark.parametrize("kind, code", THROUGH_PROPERTIES)
def test_completion_and_inspection_call_no_property(kind, code, session):
    ask(kind, code, session)
    assert session.variables["ran"] == [], (kind, code)


@pytest.mark.parametrize("cell", [
    "print('ran')\n().__class__.__bases__[0].__subclasses__()",
    "print('ran')\nx = f.__globals__\nx",
    "print('ran')\nimport os\nos",
    "print('ran')\n_tsh_getattr(x, '_data')",
    "print('ran')\ngetattr(x, '_data')",
])
def test_a_cell_is_a_program_the_validator_and_guards_check(cell, capsys):
    with pytest.raises(TensorshError) as info:
        Session().run(cell, "In[1]", lambda value: None, show="last")
    assert not info.value.internal
    printed = capsys.readouterr().out
    assert printed in ("", "ran\n")  # refused before running, or stopped by a guard at that statement
    if info.value.before_running:
        assert printed == ""
