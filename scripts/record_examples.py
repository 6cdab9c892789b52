"""Record what PyTorch prints for each example: examples/NAME.tsh -> tests/acceptance/examples/NAME.expected.

Usage (from the repository root, with the venv that has torch 2.13):

    .venv/bin/python scripts/record_examples.py [NAME ...]

With no NAME every examples/*.tsh is recorded; a recording no example has any more is
named on stderr (delete it with the example). tests/acceptance/test_examples.py runs each
example through the tensorsh CLI and compares its stdout with the recording; re-run this
script after changing an example, and read the diff before committing it. Only this
script needs torch; the tests never do.

An example is tensorsh source run as `tensorsh examples/NAME.tsh` runs it, here under
real PyTorch in a fresh set of globals, the ones tensorsh gives (tensorsh/lang/scope.py):

- every public name of torch bare (`tensor`, `arange`, `float32`), `torch`,
  `F` (torch.nn.functional), `nn`, `optim`, `np`, `math`, `grad` (torch.autograd.grad, except that a
  single tensor in gives a single tensor out), `save` and `load` (.npy/.npz, never pickle;
  torch.save and torch.load are these two while an example runs);
- tensorsh's Python builtins and nothing else (no `open`, `getattr`, `eval`...), which win
  over torch's namesakes (`int`, `range`, `sum`); `abs all any max min round sum` are
  Python's where Python's works on the arguments, else torch's (`max(t, dim=0)`);
- notebook display: every top-level expression statement whose value is not None prints
  `repr(value)`, unless the statement ends its line with ';'.

The program runs with the repository root as working directory, as the test runs it. It
stops at its first error: what it printed until then is the recording, and the error
(which the CLI writes to stderr) is shown here. Each example runs twice, under seeds 0
and 1; one whose output differs (random numbers, an address) is not written, since no
other engine could print the same.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import math
import os
import sys
import types
import warnings
from pathlib import Path

import numpy
import torch
import torch.nn.functional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tensorsh.lang.compiler import silent  # noqa: E402  (the language's own rule for a trailing ;)
from tensorsh.lang.errors import source_lines  # noqa: E402  (and its line breaks)
from tensorsh.lang.files import npz_members  # noqa: E402  (and what save writes)

EXAMPLES_DIR = ROOT / "examples"
EXPECTED_DIR = ROOT / "tests" / "acceptance" / "examples"

# tensorsh's builtins (tensorsh/lang/pybuiltins.py: PYTHON, EXCEPTIONS, python_builtins(), DUAL),
# kept in step by hand: this script must not import tensorsh, whose engine is what is tested.
PYTHON = ("bin", "bool", "callable", "chr", "classmethod", "complex", "dict", "divmod", "enumerate",
          "float", "frozenset", "hash", "hex", "id", "int", "isinstance", "issubclass", "iter",
          "len", "list", "next", "object", "oct", "ord", "property", "range", "repr", "reversed",
          "set", "slice", "sorted", "staticmethod", "str", "super", "tuple", "zip",
          "Ellipsis", "NotImplemented",
          "type", "hasattr", "pow", "format", "print", "map", "filter")
EXCEPTIONS = tuple(name for name, value in vars(builtins).items()
                   if isinstance(value, type) and issubclass(value, BaseException)
                   and not issubclass(value, (SystemExit, GeneratorExit)))
DUAL = ("abs", "all", "any", "max", "min", "round", "sum")
# What CPython itself needs to run `import` and `class` statements (tensorsh rewrites both).
MACHINERY = ("__import__", "__build_class__")


class _Exit(Exception):
    """exit()/quit(), or a bare `exit` shown at top level: the program ends."""


class Exit:
    """`exit` and `quit`: calling one, or showing it at top level, ends the program."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, status=None):
        raise _Exit(status)

    def __repr__(self) -> str:
        return f"Use {self.name}() or Ctrl-D (i.e. EOF) to exit"


def _dual(name: str):
    """Python's builtin where it works on the arguments, else torch's (as pybuiltins._dual)."""
    python_function, torch_function = vars(builtins)[name], getattr(torch, name)

    def dual(*args, **kwargs):
        if "dim" in kwargs:
            return torch_function(*args, **kwargs)
        try:
            return python_function(*args, **kwargs)
        except (TypeError, RuntimeError, ValueError):
            if not args or not isinstance(args[0], torch.Tensor):
                raise
        return torch_function(*args, **kwargs)

    dual.__name__ = dual.__qualname__ = name
    return dual


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """tensorsh's grad (namespace.make_grad): torch.autograd.grad, a single tensor in giving one out."""
    result = torch.autograd.grad(outputs, inputs, grad_outputs=grad_outputs, retain_graph=retain_graph,
                                 create_graph=create_graph, allow_unused=allow_unused)
    return result[0] if isinstance(inputs, torch.Tensor) else result


def _as_array(obj) -> numpy.ndarray:
    array = obj.detach().numpy() if isinstance(obj, torch.Tensor) else numpy.asarray(obj)
    if array.dtype.hasobject:
        raise TypeError("save only writes numbers: this value holds Python objects")
    return array


def _check(path) -> None:
    if not isinstance(path, str):
        raise TypeError(f"path must be a string, not {type(path).__name__}")
    if not path.endswith((".npy", ".npz")):
        raise ValueError(f"save and load only handle .npy and .npz files, not {path!r}")


def save(obj, path):
    """tensorsh's save (lang/files.py): one tensor to .npy, a list/tuple/dict of them to .npz."""
    _check(path)
    if path.endswith(".npz"):
        numpy.savez(path, **npz_members(obj, _as_array))
    else:
        numpy.save(path, _as_array(obj), allow_pickle=False)


def load(path):
    """tensorsh's load (lang/files.py): a tensor from .npy, a dict of name -> tensor from .npz."""
    _check(path)
    if path.endswith(".npz"):
        with numpy.load(path, allow_pickle=False) as archive:
            return {name: torch.from_numpy(archive[name]) for name in archive.files}
    return torch.from_numpy(numpy.load(path, allow_pickle=False))


def program_globals() -> dict:
    """The names a tensorsh program starts with (scope.builtins), made of the real modules."""
    own = set(PYTHON) | set(EXCEPTIONS) | set(DUAL) | {"exit", "quit"}
    names = {name: value for name in dir(torch) if not name.startswith("_")
             and not isinstance(value := getattr(torch, name), types.ModuleType) and name not in own}
    names.update(torch=torch, F=torch.nn.functional, nn=torch.nn, optim=torch.optim, np=numpy, math=math, grad=grad,
                 save=save, load=load)
    program_builtins = {name: vars(builtins)[name] for name in PYTHON + EXCEPTIONS + MACHINERY}
    program_builtins.update({name: _dual(name) for name in DUAL}, exit=Exit("exit"), quit=Exit("quit"))
    names["__builtins__"] = program_builtins
    names["__name__"] = "__main__"
    return names


_SHOW = "_record_examples_show"


def compile_example(source: str, filename: str) -> types.CodeType:
    """The program with each shown top-level expression statement `x` made `_show(x)`."""
    tree = ast.parse(source, filename)
    lines = source_lines(source)
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and not silent(lines, statement):
            call = ast.Call(ast.Name(_SHOW, ast.Load()), [statement.value], [])
            statement.value = ast.copy_location(call, statement.value)
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec")


def _show(value) -> None:
    if value is None:
        return
    if isinstance(value, Exit):  # a bare `exit`, as Python's REPL takes it
        raise _Exit(0)
    print(repr(value))


def run_example(path: Path, seed: int) -> tuple[str, str | None]:
    """Run one example under PyTorch; its stdout, and its error as 'Type: message' (or None)."""
    filename = str(path.relative_to(ROOT))
    with open(path, encoding="utf-8-sig") as f:  # as the CLI reads a file
        source = f.read()
    code = compile_example(source, filename)
    namespace = program_globals()
    namespace[_SHOW] = _show
    out = io.StringIO()
    error = None
    torch.manual_seed(seed)
    numpy.random.seed(seed)
    cwd = os.getcwd()
    os.chdir(ROOT)
    torch_files = torch.save, torch.load
    torch.save, torch.load = save, load  # tensorsh's torch.save/torch.load are save/load
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102  (our own examples)
    except _Exit:
        pass
    except Exception as exc:  # noqa: BLE001  (the example's own error ends it, as in the CLI)
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    finally:
        os.chdir(cwd)
        torch.save, torch.load = torch_files
        torch.set_grad_enabled(True)  # what an example may have changed, for the next one
        torch.set_default_dtype(torch.float32)
        torch.set_printoptions(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    return out.getvalue(), error


def main(argv: list[str]) -> int:
    warnings.simplefilter("ignore")  # PyTorch's warnings go to stderr; the recordings are stdout
    examples = {p.stem: p for p in sorted(EXAMPLES_DIR.glob("*.tsh"))}
    unknown = [name for name in argv if name not in examples]
    if unknown:
        print(f"no such example: {', '.join(unknown)} (examples/NAME.tsh)", file=sys.stderr)
        return 2
    EXPECTED_DIR.mkdir(exist_ok=True)
    failed = False
    for name in argv or examples:
        stdout, error = run_example(examples[name], seed=0)
        if run_example(examples[name], seed=1) != (stdout, error) or " at 0x" in stdout:
            failed = True
            print(f"{name}: output depends on the seed or an address, not written", file=sys.stderr)
            continue
        target = EXPECTED_DIR / f"{name}.expected"
        old = target.read_text(encoding="utf-8") if target.exists() else None
        target.write_text(stdout, encoding="utf-8")
        change = "new" if old is None else "unchanged" if old == stdout else "CHANGED"
        ending = f", then stops at {error}" if error else ""
        print(f"{name}: {len(stdout.splitlines())} lines{ending} -> {target.relative_to(ROOT)} ({change})")
    if not argv:
        for orphan in sorted({p.stem for p in EXPECTED_DIR.glob("*.expected")} - set(examples)):
            failed = True
            print(f"{orphan}: {(EXPECTED_DIR / f'{orphan}.expected').relative_to(ROOT)} has no "
                  f"examples/{orphan}.tsh", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
