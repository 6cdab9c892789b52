"""Safety: a program reaches only our namespace, allow-listed attributes and known modules."""

from __future__ import annotations

import types

import numpy
import pytest

from tensorsh.lang import scope
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.namespace import Namespace
from tensorsh.lang.session import Session


def error_of(source, **options):
    with pytest.raises(TensorshError) as info:
        Session(**options).run(source, "<t>", lambda value: None)
    return info.value


def _reachable(value, seen=None):
    """Every value reachable through namespaces, as (path, value)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Namespace):
        for name, member in value.members.items():
            yield f"{value.name}.{name}", member
            yield from _reachable(member, seen)


def test_no_real_module_and_no_underscore_name_is_reachable():
    # The names a program can write: the session's builtins (which also hold the guards, under
    # names that start with '_tsh_', and Python's __build_class__ and a bounded __import__ for the
    # libraries' own lazy imports, which no program can name).
    names = scope.builtins()
    Session(builtins=names)  # the evaluator adds its runtime entries to the same dict
    for name, value in names.items():
        if name.startswith("_"):
            assert name.startswith("_tsh_") or name in ("__build_class__", "__import__", "__name__"), name
            continue
        assert not isinstance(value, types.ModuleType), name
        for path, member in _reachable(value):
            assert not isinstance(member, types.ModuleType), path
            assert not path.rsplit(".", 1)[1].startswith("_"), path
    assert "_" not in "".join(n[0] for n in Session().names())


def test_dangerous_builtins_do_not_exist():
    for name in ("eval", "exec", "open", "getattr", "setattr", "delattr", "globals", "locals", "vars",
                 "compile", "input", "breakpoint", "memoryview", "bytearray", "copyright", "credits", "license",
                 "SystemExit", "GeneratorExit"):
        assert error_of(f"{name}").kind == "NameError", name
    for name in ("__import__", "__builtins__", "__build_class__", "__loader__", "_tsh_getattr"):
        error = error_of(name)
        assert (error.kind, error.before_running) == ("SyntaxError", True), name


def test_builtins_that_exist_now_are_the_safe_versions():
    # type() takes one argument; hasattr and dir see the allow-lists; exit() asks to leave.
    shown = []
    Session().run("type(1)\nhasattr(1, '__class__')\nhasattr(1, 'real')\ndir(1)[:3]\ndict(a=1)\nobject is not None\n"
                  "super is not None\nformat(3, '>3')\nnext(iter([1]))\nisinstance(id(1), int)\nhash(1)",
                  "<t>", shown.append)
    assert shown == [int, False, True, ["bit_length", "conjugate", "denominator"], {"a": 1}, True, True, "  3", 1,
                     True, 1]
    assert error_of("type('X', (), {})").kind == "TypeError"
    for source in ("type(1).__subclasses__()", "object.__subclasses__()", "super().__class__"):
        assert error_of(source).kind == "SyntaxError", source
    with pytest.raises(ExitRequest) as info:
        Session().run("exit(3)", "<t>")
    assert info.value.status == 3 and not isinstance(info.value, TensorshError)


@pytest.mark.parametrize("source", [
    "(1).__class__", "[].__class__", "'x'.__class__", "tensor([1]).__class__", "print.__globals__",
    "torch.__dict__", "np.__name__", "(lambda: 0).__code__", "def f():\n    pass\nf.__globals__",
    "class C:\n    pass\nC().__dict__", "class C:\n    pass\nC.__subclasses__()", "x = [1]\nx._private",
    "f'{(1).__class__}'", "lambda _x: 1", "dict(_x=1)", "class C:\n    def __getattr__(self, n):\n        pass",
])
def test_underscore_names_are_refused_before_running(source):
    error = error_of(f"print('ran')\n{source}")
    assert (error.kind, error.before_running) == ("SyntaxError", True), (source, error.message)


@pytest.mark.parametrize("source", [
    "x = [1]\nx.__len__()", "tensor([1]).__init__", "(1).__add__(2)", "class C:\n    pass\nC().__init__",
])
def test_protocol_methods_are_only_attributes_of_the_programs_classes(source):
    assert error_of(source).kind == "AttributeError"


def test_str_format_fields_stay_behind_the_allow_lists():
    # "{0.__class__}".format(x) would read attributes behind the allow-list.
    error = error_of("'{0.__class__}'.format(1)")
    assert (error.kind, error.message) == (
        "AttributeError", "format field '0.__class__': attributes that start with '_' are not part of tensorsh")
    assert error_of("'{0.tofile}'.format(np.arange(3))").kind == "AttributeError"
    assert error_of("'{.__class__}'.format(1)").kind == "AttributeError"
    shown = []
    Session().run("'{0.real}'.format(1)\n'{0.shape}'.format(np.zeros((2, 3)))", "<t>", shown.append)
    assert shown == ["1", "(2, 3)"]


def test_numpy_file_methods_are_not_reachable():
    for source in ("np.arange(3).tofile('x')", "np.arange(3).dump('x')", "np.save", "np.load",
                   "np.fromfile", "np.arange(3).ctypes"):
        assert error_of(source).kind == "AttributeError", source
    assert error_of("np.random.__class__").kind == "SyntaxError"
    for source in ("x = np.float64(1.5)\nsuper(type(x), x).tofile('x')", "x = np.float64(1.5)\nsuper(type(x), x).dumps()"):
        assert error_of(source).kind == "AttributeError", source


@pytest.mark.parametrize("module", ["os", "sys", "subprocess", "builtins", "importlib", "pickle",
                                    "torch.hub", "numpy.lib", "tensorsh", "tensorsh.engine", "math.os"])
def test_unknown_modules_are_refused_by_name(module):
    for source in (f"import {module}", f"from {module} import x", f"from {module} import *"):
        error = error_of(source)
        assert error.kind == "ImportError"
        assert error.message.startswith(f"No module named '{module}' in tensorsh")


def test_known_modules_bind_our_namespaces():
    session = Session()
    session.run("import torch\nimport numpy as np\nimport torch.nn.functional as F\nfrom torch import nn\n"
                "from torch.autograd import grad\nimport torch.nn\nfrom numpy.random import rand", "<t>")
    v = session.variables
    assert isinstance(v["torch"], Namespace) and v["torch"].name == "torch"
    assert isinstance(v["np"], Namespace) and v["np"].name == "numpy"
    assert v["F"] is v["nn"].members["functional"]
    assert v["grad"] is v["torch"].members["autograd"].members["grad"]
    session.run("import torch.cuda as cuda", "<t>")
    assert isinstance(v["cuda"], Namespace) and v["cuda"].members["is_available"]() is False


def test_from_torch_import_star_binds_public_names():
    session = Session()
    session.run("from torch import *\nfrom math import *", "<t>")
    assert "tensor" in session.variables and "factorial" in session.variables
    assert not [k for k in session.variables if k.startswith("_") and k != "__builtins__"]


def test_np_is_a_subset_that_returns_real_arrays():
    shown = []
    Session().run("np.arange(10).reshape(2, 5)\nnp.zeros((2, 2)).T.shape\nnp.random.random((2, 3)).shape\n"
                  "np.array([[1, 2], [3, 4]]).astype(np.float32).dtype", "<t>", shown.append)
    assert isinstance(shown[0], numpy.ndarray) and shown[0].tolist() == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert shown[1:3] == [(2, 2), (2, 3)]
    assert shown[3] == numpy.float32


def test_only_a_few_tensor_attributes_can_be_assigned():
    session = Session()
    session.run("w = tensor([1.0, 2.0])\nw.requires_grad = True\nw.grad = None", "<t>")
    assert session.variables["w"].requires_grad is True
    assert error_of("w = tensor([1.0])\nw.shape = (2,)").message == \
        "attribute 'shape' of 'Tensor' object is read-only"
    assert error_of("x = [1]\nx.foo = 2").kind == "AttributeError"


def test_save_and_load_round_trip_through_npy_and_npz(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = []
    Session().run("a = tensor([[1.5, 2.0], [3.0, 4.0]])\nsave(a, 'a.npy')\nb = load('a.npy')\n"
                  "b.tolist(), b.dtype\nsave([a, np.arange(3)], 'many.npz')\nd = load('many.npz')\n"
                  "d['arr_1'].tolist()\nsorted(d.keys())", "<t>", shown.append)
    assert shown[0][0] == [[1.5, 2.0], [3.0, 4.0]] and repr(shown[0][1]) == "torch.float32"
    assert shown[1:] == [[0, 1, 2], ["arr_0", "arr_1"]]
    assert numpy.load(tmp_path / "a.npy", allow_pickle=False).dtype == numpy.float32


def test_load_refuses_pickled_npy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    numpy.save("obj.npy", numpy.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert error_of("load('obj.npy')").kind == "ValueError"


def test_no_files_turns_save_and_load_off(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for source in ("save(tensor([1]), 'x.npy')", "load('x.npy')", "torch.save(tensor([1]), 'x.npy')"):
        error = error_of(source, files_allowed=False)
        assert (error.kind, error.message) == ("PermissionError", "file access is turned off (--no-files)")
    assert list(tmp_path.iterdir()) == []


def test_save_only_writes_npy_and_npz():
    assert error_of("save([1], 'x.pkl')").message == \
        "save and load only handle .npy and .npz files, not 'x.pkl'"
