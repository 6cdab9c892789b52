"""Sandbox: escape attempts are refused with a clear error and leave no trace.

Every attempt runs in a fresh session whose working directory is a scratch folder with a
sibling folder "outside" (the rest of the machine). After each one: nothing was written
outside or inside, the environment is unchanged, and the error is one of ours (located,
not internal). `@OUT@` in a program stands for a path outside the working directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import types

import numpy
import pytest

from tensorsh.lang import namespace
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.session import Session

ATTRIBUTE_ATTEMPTS = [
    '().__class__',
    '().__class__.__bases__[0].__subclasses__()',
    '[].__class__.__base__',
    "''.__class__.__mro__",
    '(1).__class__',
    'True.__class__',
    'None.__class__',
    '(...).__class__',
    '(1.5).__class__',
    '(1j).__class__',
    'x = tensor([1])\nx.__dict__',
    'x = tensor([1])\nx.__class__',
    'x = tensor([1])\nx.__class__.__init__.__globals__',
    'x = tensor([1])\nx.__reduce__()',
    'x = tensor([1])\nx.__reduce_ex__(2)',
    "x = tensor([1])\nx.__getattribute__('_data')",
    "x = tensor([1])\nx.__setattr__('a', 1)",
    'x = tensor([1])\nx._data',
    'x = tensor([1])\nx.__array__()',
    'f = lambda: 0\nf.__globals__',
    '(lambda: 0).__code__',
    '(lambda: 0).__closure__',
    '(lambda: 0).__defaults__',
    'f = lambda: 0\nf.evaluator',
    'f = lambda: 0\nf.node',
    'f = lambda: 0\nf.env',
    '(lambda: 0).__call__',
    'print.__globals__',
    'print.__closure__',
    'print.__code__',
    'len.__self__',
    'max.__self__',
    'save.__closure__',
    'load.__globals__',
    'grad.__code__',
    'F.relu.__globals__',
    'torch.tensor.__globals__',
    'torch.tensor.__wrapped__',
    'torch.__dict__',
    'torch.__name__',
    'np.__dict__',
    'np.__name__',
    'np.random.__class__',
    'np.zeros.__self__',
    'torch.Tensor.__subclasses__()',
    'torch.Tensor.__mro__',
    'torch.Tensor.mro()',
    'torch.Tensor.__init__',
    'torch.float32.__class__',
    'torch.float32.__reduce__()',
    'torch.float32.np.__class__',
    'torch.Size.__new__',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.__class__',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.backward.__globals__',
    'x = tensor([1.0])\nx.shape.__class__',
    'x = tensor([1.0])\nx.device.__class__',
    'x = tensor([1.0])\nx.dtype.__dict__',
    'range(3).__iter__()',
    'zip.__call__',
    'int.__subclasses__()',
    'str.format',
    'str.__dict__',
    'list.__dict__',
    'enumerate.__init__',
    'sorted.__self__',
    'reversed([1]).__class__',
    "'{0.__class__}'.format(1)",
    "'{0.__globals__}'.format(print)",
    "'{}'.format_map",
    "'%s' % print.__globals__",
    "'{x.__class__}'.format(x=1)",
    "str.format('{0.__class__}', 1)",
    'import torch.nn.functional as os\nos.__dict__',
    "np.load('/etc/passwd')",
    "np.save('x', np.ones(2))",
    'np.savetxt',
    'np.loadtxt',
    'np.genfromtxt',
    'np.fromfile',
    'np.memmap',
    'np.lib',
    'np.ctypeslib',
    'np.frompyfunc',
    'np.vectorize',
    'np.dtype',
    'np.core',
    'np.testing',
    'np.f2py',
    'np.__config__',
    'np.random.__dict__',
    'np.random.bit_generator',
    'np.random.default_rng',
    'np.set_printoptions',
    'np.seterrcall',
    'np.ndarray',
    'np.char',
    'np.rec',
    'np.ma',
    'np.emath',
    'np.fft',
    'np.tanh.at',
    'np.tanh.__call__',
    'np.tanh.reduce',
    'np.float32.__subclasses__()',
    'np.float32.__mro__',
    'np.int64.from_bytes',
    'np.bool_.__dict__',
    'a = tensor([1.0]).numpy()\na.ctypes',
    'a = tensor([1.0]).numpy()\na.base',
    'a = tensor([1.0]).numpy()\na.__array_interface__',
    'a = tensor([1.0]).numpy()\na.__array_struct__',
    "a = tensor([1.0]).numpy()\na.tofile('@OUT@')",
    "a = tensor([1.0]).numpy()\na.dump('@OUT@')",
    'a = tensor([1.0]).numpy()\na.dumps()',
    'a = tensor([1.0]).numpy()\na.data',
    'a = tensor([1.0]).numpy()\na.flags',
    'a = tensor([1.0]).numpy()\na.view(np.int64)',
    'a = tensor([1.0]).numpy()\na.setflags(write=True)',
    'a = tensor([1.0]).numpy()\na.__reduce__()',
    'a = tensor([1.0]).numpy()\na.__setstate__',
    'a = tensor([1.0]).numpy()\na.tobytes()',
    'a = tensor([1.0]).numpy()\na.dtype.type',
    'a = tensor([1.0]).numpy()\na.dtype.fields',
    'a = tensor([1.0]).numpy()\na.dtype.__class__',
    'a = tensor([1.0]).numpy()\na.T.base',
    'a = tensor([1.0]).numpy()\na.getfield(np.int64)',
    'a = tensor([1.0]).numpy()\na.byteswap',
    'a = tensor([1.0]).numpy()\na.__class__',
    'a = tensor([1.0]).numpy()\na.item().__class__',
    'a = tensor([1.0]).numpy()\na.sum().__class__',
    'a = tensor([1.0]).numpy()\na.sum().base',
    'np.float32(1).__reduce__()',
    'np.float32(1).data',
    'torch.float32.np.__dict__',
    'torch.float32.np.type',
    'torch.float32.to_python',
    'x = tensor([1])\nx.dtype.np.__module__',
    'x = tensor([1])\nx.numpy.__self__',
    'x = tensor([1])\nx.numpy.__func__',
    'x = tensor([1])\nx.sum.__self__.__class__',
    'x = tensor([1])\nx.register_hook.__globals__',
    'torch.manual_seed.__module__',
    'torch.nn.functional.__loader__',
]

SYNTAX_ATTEMPTS = [
    "int.from_bytes(b'', 'big')",
    '{}.__class__',
    "f'{print.__globals__}'",
    "memoryview(b'x')",
    "save({'a': tensor([1])}, '../p.npz')",
]

NAME_ATTEMPTS = [
    'dict(a=1)',
    'type(1)',
    'type(1).__subclasses__()',
    'vars()',
    'vars(tensor([1]))',
    'dir()',
    'dir(tensor([1]))',
    'globals()',
    'locals()',
    "getattr(1, '__class__')",
    "setattr(tensor([1]), 'x', 1)",
    "delattr(tensor([1]), 'x')",
    "hasattr(1, 'x')",
    'object',
    'object.__subclasses__()',
    'super',
    'property',
    'classmethod',
    'staticmethod',
    'bytearray(10)',
    'help',
    'input()',
    'breakpoint()',
    'exit()',
    'quit()',
    'copyright',
    'credits',
    'license',
    '__builtins__',
    '__builtins__.open',
    '__name__',
    '__file__',
    '__loader__',
    '__spec__',
    '__debug__',
    "__import__('os')",
    "eval('1')",
    "exec('1')",
    "compile('1', 'f', 'eval')",
    "open('/etc/passwd')",
    "open('x.txt', 'w')",
    'getattr',
    'setattr',
    'globals',
    'exec',
    'eval',
    'a = np.array([1], dtype=object)\na.__class__',
]

IMPORT_ATTEMPTS = [
    'import os',
    'import sys',
    'import subprocess',
    'import builtins',
    'import importlib',
    'import pickle',
    'import ctypes',
    'import shutil',
    'import socket',
    'import io',
    'import pathlib',
    'import os.path',
    'from os import system',
    'from sys import modules',
    'import numpy.lib',
    'from numpy import load',
    'from numpy import save',
    'from numpy import ctypeslib',
    'import numpy.ctypeslib',
    'import torch.utils',
    'from torch.serialization import load',
    'import tensorsh',
    'import tensorsh.engine',
    'from tensorsh import engine',
    'from torch import _C',
    'from torch import __builtins__',
    'from numpy import __builtins__',
    'import numpy.random.mtrand',
    'from numpy.random import bit_generator',
]

VALUE_ATTEMPTS = [
    "torch.load('x.pt')",
    "torch.load('/etc/passwd')",
    "load('/etc/passwd')",
    "save(tensor([1]), 'x.pkl')",
    "save(tensor([1]), 'x.pt')",
    "save(tensor([1]), 'x\\x00.npy')",
]

PERMISSION_ATTEMPTS = [
    "torch.save(tensor([1]), '@OUT@.npy')",
    "save(tensor([1]), '@OUT@.npy')",
    "save(tensor([1]), '../tensorsh-pwned.npy')",
    "load('../../etc/passwd.npy')",
    "save(tensor([1]), '/dev/null.npy')",
]

TYPE_ATTEMPTS = [
    "save([print], 'p.npz')",
    "save(np.array([print]), 'p.npy')",
]

# Symlinks inside the working directory that point outside it.
LINK_ATTEMPTS = [
    "save(tensor([1]), 'link/x.npy')",
    "load('link/secret.npy')",
    "save(tensor([1]), 'outside.npy')",
    "load('outside.npy')",
    "save(tensor([1]), 'link/../link/x.npz')",
]

# With --no-files, every file operation is refused, even inside the working directory.
NO_FILES_ATTEMPTS = [
    "save(tensor([1]), 'x.npy')", "load('existing.npy')", "torch.save(tensor([1]), 'x.npz')",
    "torch.load('existing.npy')", "save(tensor([1]), '@OUT@.npy')", "load('link/secret.npy')",
]

EXPECTED_KINDS = {
    "AttributeError": ATTRIBUTE_ATTEMPTS, "SyntaxError": SYNTAX_ATTEMPTS, "NameError": NAME_ATTEMPTS,
    "ImportError": IMPORT_ATTEMPTS, "ValueError": VALUE_ATTEMPTS, "PermissionError": PERMISSION_ATTEMPTS,
    "TypeError": TYPE_ATTEMPTS,
}
CASES = [(kind, source) for kind, sources in EXPECTED_KINDS.items() for source in sources]


@pytest.fixture
def jail(tmp_path, monkeypatch):
    """cwd = tmp/work (holding existing.npy, and links to tmp/outside); returns (work, outside)."""
    work, outside = tmp_path / "work", tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    numpy.save(outside / "secret.npy", numpy.arange(3))
    numpy.save(work / "existing.npy", numpy.arange(2))
    (work / "link").symlink_to(outside, target_is_directory=True)
    (work / "outside.npy").symlink_to(outside / "secret.npy")
    monkeypatch.chdir(work)
    return work, outside


def _listing(path):
    return sorted((str(p.relative_to(path)), p.stat().st_size if p.is_file() else 0)
                  for p in path.rglob("*") if not p.is_symlink())


def attempt(source, jail, **options):
    """Run an escape attempt; return the error after checking that nothing changed anywhere."""
    work, outside = jail
    source = source.replace("@OUT@", str(outside / "pwned"))
    before = (_listing(work), _listing(outside), dict(os.environ), os.getcwd())
    with pytest.raises(TensorshError) as info:
        Session(**options).run(source, "<t>", lambda value: repr(value))
    assert (_listing(work), _listing(outside), dict(os.environ), os.getcwd()) == before, source
    error = info.value
    assert error.span is not None and not error.internal, (source, error.kind, error.message)
    return error


@pytest.mark.parametrize("kind, source", CASES)
def test_escape_attempt_is_refused(kind, source, jail):
    error = attempt(source, jail)
    assert error.kind == kind, (source, error.message)
    assert error.message


@pytest.mark.parametrize("source", LINK_ATTEMPTS)
def test_symlinks_out_of_the_working_directory_are_refused(source, jail):
    error = attempt(source, jail)
    assert error.kind == "PermissionError"
    assert error.message.startswith("save and load only reach files inside the working directory")


@pytest.mark.parametrize("source", NO_FILES_ATTEMPTS)
def test_no_files_refuses_every_file_operation(source, jail):
    error = attempt(source, jail, files_allowed=False)
    assert (error.kind, error.message) == ("PermissionError", "file access is turned off (--no-files)")


def test_underscore_and_unlisted_attributes_name_the_rule():
    # A real attribute off the allow-list says so; a dunder simply does not exist.
    errors = {}
    for source in ("np.arange(3).tofile", "'x'.format", "np.arange(3).__class__"):
        with pytest.raises(TensorshError) as info:
            Session().run(source, "<t>")
        errors[source] = info.value.message
    assert errors == {
        "np.arange(3).tofile": "'ndarray' object attribute 'tofile' is not available in tensorsh",
        "'x'.format": "'str' object attribute 'format' is not available in tensorsh",
        "np.arange(3).__class__": "'ndarray' object has no attribute '__class__'",
    }





def _walk(roots):
    """Every value reachable from `roots` through attribute tables (no calls), with its path."""
    seen, queue = set(), list(roots.items())
    while queue:
        path, value = queue.pop()
        if id(value) in seen or path.count(".") > 5:
            continue
        seen.add(id(value))
        yield path, value
        for name, getter in namespace.attribute_table(value).items():
            assert not name.startswith("_"), path
            try:
                queue.append((f"{path}.{name}", getter(value)))
            except Exception:  # noqa: BLE001 - a property that refuses (e.g. .grad on a non-leaf) is fine
                continue


def test_nothing_reachable_by_attributes_leads_to_python_internals():
    session = Session()
    session.run("x = tensor([1.0, 2.0], requires_grad=True)\ny = (x * 2).sum()\na = x.detach().numpy()\n"
                "z = y.grad_fn\nf = lambda v: v\ns = 'text'\nn = a.sum()\nr = range(3)", "<t>")
    roots = {**session.builtins, **session.variables}
    reached = 0
    for path, value in _walk(roots):
        reached += 1
        assert not isinstance(value, (types.ModuleType, types.CodeType, types.FrameType, types.TracebackType,
                                      types.CellType, types.MappingProxyType)), path
        assert not (isinstance(value, dict) and "__builtins__" in value), path  # a globals dict
        assert value is not os and value is not sys and value is not numpy, path
        if isinstance(value, types.FunctionType):
            assert not namespace.attribute_table(value), path  # functions expose nothing
    assert reached > 1000


def test_attempts_through_the_cli_exit_1_without_a_traceback(tmp_path):
    for source in ("import os", "().__class__", "np.arange(3).tofile('/tmp/x')", "open('/etc/passwd')"):
        done = subprocess.run([sys.executable, "-m", "tensorsh", "--no-files", "-c", source], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith("error[")
    assert list(tmp_path.iterdir()) == []


def test_the_number_of_attempts():
    # The report counts them; keep the suite from shrinking unnoticed.
    assert len(CASES) + len(LINK_ATTEMPTS) + len(NO_FILES_ATTEMPTS) >= 240
