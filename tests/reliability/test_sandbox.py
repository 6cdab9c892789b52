"""Sandbox: escape attempts are refused with a clear error and leave no trace.

Every attempt runs in a fresh session whose working directory is a scratch folder with a
sibling folder "outside" (the rest of the machine), under a small memory limit. After each
one: nothing was written outside or inside, the environment is unchanged, and the error is
one of ours (located, not internal). `@OUT@` in a program stands for a path outside the
working directory.

The attempts are grouped by the error they must give. A name, attribute, parameter or
keyword that starts with `_` never reaches the run: the validator refuses it with a
SyntaxError before anything runs (UNDERSCORE_ATTEMPTS). The protocol methods a class may
define (`__init__`, `__len__`, ...) may be read as attributes, but only on the program's
classes and on super(): on any other value they fail at run time (PROTOCOL_ATTEMPTS).
Public attributes off the allow-lists are AttributeErrors at run time (ATTRIBUTE_ATTEMPTS).
Attempts that could crash or hang the process, or that would allocate memory if a check
were missing, run through the `tensorsh` command in a process of their own
(PROCESS_ATTEMPTS, INTERRUPT_ATTEMPTS).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import types

import numpy
import pytest

from tensorsh.engine import limits
from tensorsh.lang import namespace
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.exits import ExitRequest
from tensorsh.lang.session import Session

# Names, attributes, parameters and keywords that start with `_`: refused before running.
UNDERSCORE_ATTEMPTS = [
    # Python values' internals
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
    '{}.__class__',
    "b''.__class__",
    'int.__subclasses__()',
    'str.__dict__',
    'list.__dict__',
    'sorted.__self__',
    'reversed([1]).__class__',
    "f'{print.__globals__}'",
    "'%s' % print.__globals__",
    # tensors and the engine
    'x = tensor([1])\nx.__dict__',
    'x = tensor([1])\nx.__class__',
    'x = tensor([1])\nx.__class__.__init__.__globals__',
    'x = tensor([1])\nx.__reduce__()',
    'x = tensor([1])\nx.__reduce_ex__(2)',
    "x = tensor([1])\nx.__getattribute__('_data')",
    "x = tensor([1])\nx.__setattr__('a', 1)",
    'x = tensor([1])\nx._data',
    'x = tensor([1])\nx.__array__()',
    'x = tensor([1])\nx.numpy.__self__',
    'x = tensor([1])\nx.numpy.__func__',
    'x = tensor([1])\nx.sum.__self__.__class__',
    'x = tensor([1])\nx.register_hook.__globals__',
    'x = tensor([1])\nx.dtype.np.__module__',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.__class__',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.backward.__globals__',
    'x = tensor([1.0])\nx.shape.__class__',
    'x = tensor([1.0])\nx.device.__class__',
    'x = tensor([1.0])\nx.dtype.__dict__',
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
    'torch.Tensor.__subclasses__()',
    'torch.Tensor.__mro__',
    'torch.float32.__class__',
    'torch.float32.__reduce__()',
    'torch.float32.np.__class__',
    'torch.float32.np.__dict__',
    'torch.Size.__new__',
    'torch.manual_seed.__module__',
    'torch.nn.functional.__loader__',
    'import torch.nn.functional as os\nos.__dict__',
    # NumPy
    'np.__dict__',
    'np.__name__',
    'np.__config__',
    'np.random.__class__',
    'np.random.__dict__',
    'np.zeros.__self__',
    'np.float32.__subclasses__()',
    'np.float32.__mro__',
    'np.bool_.__dict__',
    'np.float32(1).__reduce__()',
    'a = tensor([1.0]).numpy()\na.__array_interface__',
    'a = tensor([1.0]).numpy()\na.__array_struct__',
    'a = tensor([1.0]).numpy()\na.__reduce__()',
    'a = tensor([1.0]).numpy()\na.__setstate__',
    'a = tensor([1.0]).numpy()\na.dtype.__class__',
    'a = tensor([1.0]).numpy()\na.__class__',
    'a = tensor([1.0]).numpy()\na.item().__class__',
    'a = tensor([1.0]).numpy()\na.sum().__class__',
    'a = np.array([1], dtype=object)\na.__class__',
    # the runtime's own names
    '__builtins__',
    '__builtins__.open',
    '__name__',
    '__file__',
    '__loader__',
    '__spec__',
    '__debug__',
    '__build_class__',
    "__import__('os')",
    '_tsh_getattr',
    '_tsh_getattr(1, "__class__")',
    '_tsh_setattr',
    '_tsh_kwargs',
    '_tsh_catch',
    '_tsh_bases',
    '_tsh_class',
    '_tsh_format',
    '_tsh_show',
    '_tsh_import',
    '_tsh_import_star',
    '_tsh_t1',
    '_tsh_Mult = 1',
    'lambda: _tsh_getattr',
    '(lambda: _tsh_getattr)()',
    '[_tsh_getattr for x in [1]]',
    '[x for _tsh_getattr in [1]]',
    '{k: _tsh_setattr for k in "a"}',
    '{_tsh_delattr for x in [1]}',
    'sum(_tsh_Pow(2, 3) for x in [1])',
    '(_tsh_getattr := len)',
    '[(y := _tsh_format) for x in [1]]',
    '[(_tsh_t1 := 1) for x in [1]]',
    'def f(a=_tsh_getattr):\n    pass',
    'def f(_tsh_getattr):\n    pass',
    'global _tsh_getattr',
    'def f():\n    global _tsh_getattr\n    _tsh_getattr = len',
    'def f():\n    x = 1\n    def g():\n        nonlocal _x',
    'for _tsh_getattr in [len]:\n    pass',
    'with torch.no_grad() as _tsh_show:\n    pass',
    'del _tsh_getattr',
    'try:\n    1/0\nexcept Exception as _tsh_catch:\n    pass',
    'f"{_tsh_format}"',
    'class C:\n    _tsh_getattr = len',
    'class C:\n    def _tsh_getattr(self):\n        pass',
    # user functions: code, globals, closures, defaults
    'def f():\n    pass\nf.__code__',
    'def f():\n    pass\nf.__globals__',
    "def f():\n    pass\nf.__globals__['__builtins__']",
    'def f():\n    pass\nf.__builtins__',
    'def f():\n    pass\nf.__dict__',
    'def f():\n    pass\nf.__module__',
    'def f():\n    pass\nf.__qualname__',
    'def f():\n    pass\nf.__name__',
    'def f():\n    pass\nf.__wrapped__',
    'def f():\n    pass\nf.__call__.__self__',
    'def f():\n    pass\nf.__code__ = (lambda: 0).__code__',
    'def f():\n    x = 1\n    return lambda: x\nf().__closure__',
    'def f():\n    x = 1\n    return lambda: x\nf().__closure__[0].cell_contents',
    'def f(a=[1]):\n    return a\nf.__defaults__',
    'def f(a=[1]):\n    return a\nf.__defaults__ = (print,)',
    'def f(*, a=1):\n    return a\nf.__kwdefaults__',
    '(lambda: 0).__code__',
    '(lambda: 0).__closure__',
    '(lambda: 0).__defaults__',
    'f = lambda: 0\nf.__globals__',
    'f = lambda: 0\nf.__code__.co_consts',
    'def _f():\n    pass',
    'f = lambda _x: 1',
    'f = lambda *, _x: 1',
    'def f(_x):\n    pass',
    'def f(*_args):\n    pass',
    'def f(**_kwargs):\n    pass',
    'def f(*, _x=1):\n    pass',
    'def f(**kw):\n    return kw\nf(_fn=1)',
    'dict(_x=1)',
    'x = tensor([1.0, 2.0])\nx.index_fill_(0, tensor([0]), 1.0, _x=1)',
    'softmax(tensor([1.0]), 0, _stacklevel=1)',
    # classes: dict, mro, subclasses, hooks that change attribute access, pickling or class creation
    'class _C:\n    pass',
    'class C:\n    pass\nC().__dict__',
    'class C:\n    pass\nC.__dict__',
    'class C:\n    pass\nC().__class__',
    'class C:\n    pass\nC().__class__.__class__',
    'class C:\n    pass\ntype(C()).__mro__',
    'class C:\n    pass\nC.__subclasses__()',
    'class C:\n    pass\nC.__bases__',
    'class C:\n    pass\nC.__base__',
    'class C:\n    pass\nC.__module__',
    'class C:\n    pass\nC.__init__.__globals__',
    'class C:\n    def m(self):\n        pass\nC().m.__func__',
    'class C:\n    def m(self):\n        pass\nC().m.__self__',
    'class C:\n    pass\nc = C()\nc.__class__ = int',
    'class C:\n    pass\nc = C()\nc.__dict__ = {}',
    'class C:\n    pass\nc = C()\ndel c.__dict__',
    'class C:\n    pass\nc = C()\nc.__init__ = print',
    'type(1).__subclasses__()',
    'type(1).__mro__',
    'type(type(1)).__subclasses__(type)',
    'object.__subclasses__()',
    'object.__subclasses__()[0]',
    'type(object()).__init_subclass__',
    'class C:\n    def __getattr__(self, name):\n        return 1',
    'class C:\n    def __getattribute__(self, name):\n        return 1',
    'class C:\n    def __setattr__(self, name, value):\n        pass',
    'class C:\n    def __delattr__(self, name):\n        pass',
    'class C:\n    def __class_getitem__(cls, item):\n        pass',
    'class C:\n    def __init_subclass__(cls):\n        pass',
    'class C:\n    def __new__(cls):\n        pass',
    'class C:\n    def __del__(self):\n        pass',
    'class C:\n    def __reduce__(self):\n        pass',
    'class C:\n    def __reduce_ex__(self, protocol):\n        pass',
    'class C:\n    def __getstate__(self):\n        pass',
    'class C:\n    def __setstate__(self, state):\n        pass',
    'class C:\n    def __set_name__(self, owner, name):\n        pass',
    'class C:\n    def __get__(self, obj, owner):\n        pass',
    'class C:\n    def __set__(self, obj, value):\n        pass',
    'class C:\n    def __delete__(self, obj):\n        pass',
    'class C:\n    def __instancecheck__(self, obj):\n        pass',
    'class C:\n    def __subclasscheck__(self, cls):\n        pass',
    'class C:\n    def __prepare__(name, bases):\n        pass',
    'class C:\n    def __mro_entries__(self, bases):\n        pass',
    'class C:\n    def __format__(self, spec):\n        pass',
    'class C:\n    def __dir__(self):\n        pass',
    'class C:\n    def __missing__(self, key):\n        pass',
    'class C:\n    def __copy__(self):\n        pass',
    'class C:\n    def __fspath__(self):\n        pass',
    'class C:\n    def __buffer__(self, flags):\n        pass',
    'class C:\n    def __array__(self):\n        pass',
    'class C:\n    def __torch_function__(self, *a):\n        pass',
    'class C:\n    def __private(self):\n        pass',
    'class C:\n    def _helper(self):\n        pass',
    'class C:\n    __slots__ = ()',
    'class C:\n    __getattr__ = lambda self, name: 1',
    'class C:\n    __class__ = int',
    'class C:\n    __dict__ = {}',
    'class C:\n    __module__ = "tensorsh.engine"',
    'class C:\n    __qualname__ = "x"',
    'class C:\n    __init_subclass__ = print',
    'class C:\n    __del__ = print',
    'class C:\n    __class_getitem__ = print',
    'class C:\n    _tsh_class = 1',
    # super()
    "class C:\n    def f(self):\n        return super().__getattribute__('x')\nC().f()",
    'class C:\n    def f(self):\n        return super().__class__\nC().f()',
    'class C:\n    def f(self):\n        return super().__self__\nC().f()',
    'class C:\n    def f(self):\n        return super().__thisclass__\nC().f()',
    'class C:\n    def f(self):\n        return super().__self_class__\nC().f()',
    'class C:\n    def f(self):\n        return super().__init__.__self__\nC().f()',
    'class C:\n    def f(self):\n        return super().__init_subclass__\nC().f()',
    'class C:\n    def f(self):\n        return super().__setattr__("x", 1)\nC().f()',
    'super(type(1), 1).__class__',
    'super(type, type(1)).__subclasses__()',
    # generators
    'g = (x for x in [1])\ng.__class__',
    'g = (x for x in [1])\ng.gi_frame.f_globals.__class__',
    'g = (x for x in [1])\ng.__reduce__()',
    # exceptions and tracebacks
    'try:\n    1/0\nexcept Exception as e:\n    e.__traceback__',
    'try:\n    1/0\nexcept Exception as e:\n    e.__traceback__.tb_frame',
    'try:\n    1/0\nexcept Exception as e:\n    raise e.with_traceback(e.__traceback__)',
    'try:\n    1/0\nexcept Exception as e:\n    e.__context__',
    'try:\n    1/0\nexcept Exception as e:\n    e.__cause__',
    'try:\n    1/0\nexcept Exception as e:\n    e.__suppress_context__ = True',
    'try:\n    1/0\nexcept Exception as e:\n    e.__notes__',
    'try:\n    1/0\nexcept Exception as _e:\n    pass',
    'class E(Exception):\n    pass\nE().__traceback__',
    # f-strings and str.format's own syntax
    'x = 1\nf"{x.__class__}"',
    'x = 1\nf"{x!r:{x.__class__}}"',
    'x = 1\nf"{x:{x.__class__.__name__}}"',
    'f"{(lambda: 0).__code__}"',
    "'{}'.format(print.__globals__)",
    # imports
    'from torch import _C',
    'from torch import __builtins__',
    'from numpy import __builtins__',
    'from math import _private',
    'import math\nmath._private',
    'import random\nrandom._inst',
    'import random\nrandom.seed.__self__',
    'import torch as _t',
    'from math import pi as _p',
    'from math import *\n_p = pi',
]

# Protocol methods read as attributes: the validator lets them through (for `super().__init__`),
# the run refuses them on anything but the program's classes and super().
PROTOCOL_ATTEMPTS = [
    'x = [1]\nx.__len__()',
    'x = {}\nx.__getitem__',
    "x = {}\nx.__setitem__('a', 1)",
    '(1).__add__(2)',
    '(1).__index__()',
    "'a'.__mul__(10)",
    'tensor([1]).__len__()',
    'tensor([1]).__init__',
    'np.arange(3).__iter__()',
    'iter([1]).__next__',
    'g = (x for x in [1])\ng.__next__()',
    'g = (x for x in [1])\ng.__iter__()',
    'print.__call__',
    'exit.__call__',
    'len.__call__',
    'torch.__call__',
    'class C:\n    pass\nC().__init__',
    'class C:\n    pass\nC().__call__',
    'class C:\n    def __call__(self):\n        return 1\nC().__call__',
    'class C:\n    pass\nC().__eq__',
    'f = lambda: 0\nf.__call__',
    'def f():\n    pass\nf.__call__',
    'try:\n    1/0\nexcept Exception as e:\n    e.__init__',
    'type(1).__init__',
    'object.__init__',
    'object.__eq__',
    'type(int).__call__',
    '(lambda: 0).__call__',
    'range(3).__iter__()',
    'zip.__call__',
    'enumerate.__init__',
    'np.tanh.__call__',
]

# Public attributes that are not on the allow-lists, or do not exist.
ATTRIBUTE_ATTEMPTS = [
    # the program's zip, enumerate and iter(function, sentinel) are Python classes: their fields are not its
    'zip().depth',
    'enumerate([]).depth',
    'iter(int, 1).function',
    'T = type(iter(int, 1))\nt = T(int, 1)\nt.function = print',
    'it = iter(int, 1)\nit.sentinel',
    'f = lambda: 0\nf.evaluator',
    'f = lambda: 0\nf.node',
    'f = lambda: 0\nf.env',
    'str.format',
    'str.format_map',
    "'{0.__class__}'.format(1)",
    "'{0.__globals__}'.format(print)",
    "'{}'.format_map",
    "'{x.__class__}'.format(x=1)",
    "str.format('{0.__class__}', 1)",
    "int.from_bytes(b'', 'big')",
    'torch.Tensor.mro()',
    'np.tanh.at',
    'np.tanh.reduce',
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
    'np.int64.from_bytes',
    'a = tensor([1.0]).numpy()\na.ctypes',
    'a = tensor([1.0]).numpy()\na.base',
    "a = tensor([1.0]).numpy()\na.tofile('@OUT@')",
    "a = tensor([1.0]).numpy()\na.dump('@OUT@')",
    'a = tensor([1.0]).numpy()\na.dumps()',
    'a = tensor([1.0]).numpy()\na.data',
    'a = tensor([1.0]).numpy()\na.flags',
    'a = tensor([1.0]).numpy()\na.view(np.int64)',
    'a = tensor([1.0]).numpy()\na.setflags(write=True)',
    'a = tensor([1.0]).numpy()\na.tobytes()',
    'a = tensor([1.0]).numpy()\na.dtype.type',
    'a = tensor([1.0]).numpy()\na.dtype.fields',
    'a = tensor([1.0]).numpy()\na.T.base',
    'a = tensor([1.0]).numpy()\na.getfield(np.int64)',
    'a = tensor([1.0]).numpy()\na.byteswap',
    'a = tensor([1.0]).numpy()\na.sum().base',
    'np.float32(1).data',
    'torch.float32.np.type',
    'torch.float32.to_python',
    # a grad_fn shows PyTorch's Node API only: not the engine's backward closures, saved tensors
    # (with their version counters) or hook lists; torch.autograd only PyTorch's names
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.backward',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.backward[0](tensor([5.0]))',
    'x = tensor([1.0], requires_grad=True)\n(x * x).grad_fn.saved',
    'x = tensor([1.0], requires_grad=True)\n(x * x).grad_fn.saved[0][1].append(7)',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.input_grads(tensor([1.0]))',
    'x = tensor([1.0], requires_grad=True)\n(x * x).grad_fn.check_saved()',
    'x = tensor([1.0], requires_grad=True)\n(x * x).grad_fn.free()',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.freed = True',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.inputs_meta',
    'x = tensor([1.0], requires_grad=True)\nx.exp().grad_fn.output',
    'x = tensor([1.0], requires_grad=True)\nx.exp().grad_fn.result()',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.hooks',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.prehooks',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.posthooks',
    'x = tensor([1.0], requires_grad=True)\ny = x * 2\ny.retain_grad()\ny.grad_fn.retained',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.next_functions[0][0].saved',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.next_functions[0][0].hooks',
    'x = tensor([1.0], requires_grad=True)\n(x * 2).grad_fn.next_functions[0][0].backward',
    'torch.autograd.Node',
    "torch.autograd.Node('MulBackward0', None, [])",
    'torch.autograd.AccumulateGrad',
    'torch.autograd.record',
    'torch.autograd.wrap',
    'torch.autograd.tracked',
    'torch.autograd.RemovableHandle',
    # user functions and methods expose nothing
    'def f():\n    pass\nf.func_globals',
    'def f():\n    pass\nf.func_code',
    'def f():\n    pass\nf.code',
    'def f():\n    pass\nf.globals',
    'def f():\n    pass\nf.closure',
    'def f():\n    pass\nf.defaults',
    'def f():\n    pass\nf.name',
    'def f():\n    pass\nf.x = 1',
    'def f():\n    pass\ndel f.x',
    'def f():\n    x = 1\n    return lambda: x\nf().cell_contents',
    'class C:\n    def m(self):\n        pass\nC().m.im_func',
    'class C:\n    def m(self):\n        pass\nC().m.im_self',
    'class C:\n    def m(self):\n        pass\nC().m.x = 1',
    # classes
    'class C:\n    pass\nC.mro',
    'class C:\n    pass\nC.mro()',
    'class C:\n    pass\ntype(C()).mro()',
    'class C:\n    pass\nC().missing',
    'type(1).mro()',
    'type(type(1)).mro(int)',
    'object.mro',
    'o = object()\no.x = 1',
    'exit.name',
    'p = property(lambda s: 1)\np.fget',
    'p = property(lambda s: 1)\np.fset',
    's = staticmethod(print)\ns.func',
    # generators: no frame, no code, no send/throw
    'g = (x for x in [1])\ng.gi_frame',
    'g = (x for x in [1])\ng.gi_code',
    'g = (x for x in [1])\ng.gi_running',
    'g = (x for x in [1])\ng.gi_suspended',
    'g = (x for x in [1])\ng.gi_yieldfrom',
    'g = (x for x in [1])\ng.send(None)',
    'g = (x for x in [1])\ng.throw(ValueError)',
    'g = (x for x in [1])\ng.close()',
    "'{0.gi_frame}'.format((x for x in [1]))",
    # exceptions and tracebacks: no frames
    'try:\n    1/0\nexcept Exception as e:\n    e.with_traceback(None)',
    "try:\n    1/0\nexcept Exception as e:\n    e.add_note('x')",
    'try:\n    1/0\nexcept Exception as e:\n    e.traceback',
    'try:\n    1/0\nexcept Exception as e:\n    e.tb_frame',
    'try:\n    raise StopIteration(print)\nexcept StopIteration as s:\n    s.value',
    'try:\n    [].foo\nexcept AttributeError as a:\n    a.obj',
    'try:\n    undefined_name\nexcept NameError as n:\n    n.name',
    'class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, t, v, tb):\n'
    '        self.tb = tb\n        return True\ns = S()\nwith s:\n    1/0\ns.tb.tb_frame',
    'class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, t, v, tb):\n'
    '        self.tb = tb\n        return True\ns = S()\nwith s:\n    1/0\ns.tb.tb_next',
    'class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, t, v, tb):\n'
    '        self.v = v\n        return True\ns = S()\nwith s:\n    1/0\ns.v.with_traceback(None)',
    # super(): only what the allow-lists give, whatever the class it starts from
    'class C:\n    def f(self):\n        return super().thisclass\nC().f()',
    "x = np.float64(1.5)\nsuper(type(x), x).tofile('@OUT@')",
    "x = np.float64(1.5)\nsuper(type(x), x).dump('@OUT@')",
    'x = np.float64(1.5)\nsuper(type(x), x).dumps()',
    'x = np.float64(1.5)\nsuper(type(x), x).data',
    'x = np.float64(1.5)\nsuper(type(x), x).view(np.int64)',
    'x = np.float64(1.5)\nsuper(type(x), x).setflags(write=True)',
    'x = np.int64(1)\nsuper(type(x), x).byteswap()',
    'x = np.int64(1)\nsuper(type(x), x).tobytes()',
    'x = np.int64(1)\nsuper(type(x), x).getfield(np.int8)',
    # str.format fields go through the allow-lists
    "'{0[0].__class__}'.format([1])",
    "'{0.real.__class__}'.format(1)",
    "def f():\n    pass\n'{.__globals__}'.format(f)",
    "'{.__class__}'.format(1)",
    "'{[0].__class__}'.format([1])",
    "'{0.tofile}'.format(np.arange(3))",
    "'{a.__init__}'.format(a=1)",
    "'{0.__init__.__globals__}'.format(print)",
    # modules
    'import math as m\nm.os',
    'import random\nrandom.Random',
    'import random\nrandom.SystemRandom',
    'import random\nrandom.getstate',
    'import random\nrandom.randbytes(10**10)',
    'import random\nrandom.getrandbits(10**10)',
    'from torch import nn\nnn.Module.x',
]

# Constructs outside the language (or refused by CPython's compiler), before anything runs.
SYNTAX_ATTEMPTS = [
    'def f():\n    yield 1',
    'def f():\n    yield from [1]',
    'def f():\n    x = yield',
    'f = lambda: (yield)',
    '[(yield) for x in [1]]',
    'async def f():\n    pass',
    'async def f():\n    await f()',
    'class C(metaclass=type):\n    pass',
    'class C(object, metaclass=type(int)):\n    pass',
    'class C(x=1):\n    pass',
    'class C(**{}):\n    pass',
    'from . import x',
    'from .. import torch',
    'from .math import pi',
    'def f():\n    from math import *',
    'class C:\n    from math import *',
    'match 1:\n    case 1:\n        pass',
    'try:\n    pass\nexcept* ValueError:\n    pass',
    'nonlocal x',
    'return 1',
    'break',
    'continue',
    'def f():\n    nonlocal x',
    'print(x for x in [1], 2)',
    '[x async for x in y]',
]

# Names a program cannot use: they are not builtins.
NAME_ATTEMPTS = [
    'vars()',
    'vars(tensor([1]))',
    'globals()',
    'locals()',
    "getattr(1, '__class__')",
    "getattr(1, 'real')",
    "setattr(tensor([1]), 'x', 1)",
    "delattr(tensor([1]), 'x')",
    'bytearray(10)',
    "memoryview(b'x')",
    'input()',
    'breakpoint()',
    'copyright',
    'credits',
    'license',
    'reload',
    "eval('1')",
    "exec('1')",
    "compile('1', 'f', 'eval')",
    "open('/etc/passwd')",
    "open('x.txt', 'w')",
    'getattr',
    'setattr',
    'delattr',
    'globals',
    'exec',
    'eval',
    'open',
    'aiter',
    'anext',
    'SystemExit',
    'GeneratorExit',
    'raise SystemExit(0)',
    'ExitRequest',
    'Exit',
    'Session',
    'Evaluator',
    'namespace',
    'guards',
    'os',
    'sys',
    'builtins',
    'os.system("touch @OUT@")',
    'def f():\n    return undefined_name\nf()',
    'class C:\n    x = undefined_name',
    '(lambda: os)()',
    '[os for x in [1]]',
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
    'import _thread',
    'import __main__',
    'from __main__ import x',
    'from os import system',
    'from os import *',
    'from sys import modules',
    'import numpy.lib',
    'from numpy import load',
    'from numpy import save',
    'from numpy import ctypeslib',
    'import numpy.ctypeslib',
    'import torch.utils.cpp_extension',
    'from torch.utils import cpp_extension',
    'from torch.serialization import load',
    'import tensorsh',
    'import tensorsh.engine',
    'from tensorsh import engine',
    'import numpy.random.mtrand',
    'from numpy.random import bit_generator',
    'import math.os',
    'import random.os',
    'import math, os',
    'from math import os',
    'from math import sys',
    'from random import Random',
    'from random import SystemRandom',
    'from random import os',
    'from torch import os',
    'from torch.autograd import Node',
    'from torch.autograd import AccumulateGrad',
    'def f():\n    import os\nf()',
    'class C:\n    import os',
    'try:\n    import os\nexcept ImportError:\n    pass',
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
    "save({'a': tensor([1])}, '../p.npz')",
    "def f(path):\n    save(tensor([1]), path)\nf('@OUT@.npy')",
    "paths = ['@OUT@.npy']\n[save(tensor([1]), p) for p in paths]",
]

TYPE_ATTEMPTS = [
    'class Z(zip):\n    pass',
    'class E(enumerate):\n    pass',
    'class C(type(iter(int, 1))):\n    pass',
    # a method read off an engine class takes only instances of that class (UnboundMethod)
    'torch.Tensor.__init__(print, [1.0])',
    'torch.Tensor.add(print, 1)',
    'torch.Tensor.__init__()',
    # refused at the first step now: type() of a generator or traceback is not a class super()
    # takes, and arrays of Python objects are not made
    'g = (x for x in [1])\nsuper(type(g), g).gi_frame',
    'class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, t, v, tb):\n'
    '        self.tb = tb\n        return True\ns = S()\nwith s:\n    1/0\nt = s.tb\nsuper(type(t), t).tb_frame',
    'a = np.array([10], dtype=object)\nb = a ** 10**5',
    'a = np.array([10], dtype=object)\na **= 10**5',
    'a = np.array([2], dtype=object)\nb = a << 10**6',
    'a = np.array([10**4000], dtype=object)\nb = a * a',
    'b = np.prod(np.array([10**1000] * 10, dtype=object))',
    'a = np.array([10**1000] * 10, dtype=object)\nb = a.prod()',
    'b = np.dot(np.array([10**3000], dtype=object), np.array([10**3000], dtype=object))',

    'super(type(int), int).mro',  # type(int) is the program's type, not a class
    "save([print], 'p.npz')",
    "save(np.array([print]), 'p.npy')",
    # type() takes one argument; no other way to the three-argument form either
    "type('X', (), {})",
    "type('X', (object,), {'__init__': print})",
    'type(1, 2)',
    "type(int)('X', (), {})",
    "type(type(1))('X', (), {})",
    "class C:\n    pass\ntype(C)('X', (), {})",
    "type(object)('X', (object,), {'__getattr__': print})",
    "T = type(int)\nT('A', (type(np.arange(1)),), {'__module__': 'tensorsh.engine.x'})",
    "T = type(int)\nT('S', (str,), {'startswith': lambda self, *a: False})",
    "T = type(int)\nT('C', (), {'__del__': lambda self: print('finalizer ran')})",
    # a class builds on classes, never on a metaclass or Python's own types
    'class C(type):\n    pass',
    'class C(KeyboardInterrupt):\n    pass',
    'class C(type(int)):\n    pass',
    'class C(type(type(1))):\n    pass',
    'class C(int):\n    pass',
    'class C(str):\n    pass',
    'class C(list):\n    pass',
    'class C(dict):\n    pass',
    'class C(tuple):\n    pass',
    'class C(bool):\n    pass',
    'class C(1):\n    pass',
    "class C('object'):\n    pass",
    'class C(print):\n    pass',
    'class C(None):\n    pass',
    'class C(*[int]):\n    pass',
    'class C(*[object, 1]):\n    pass',
    'def f():\n    pass\nclass C(type(f)):\n    pass',
    # the class of a grad_fn can be held and compared, never called or built on (as PyTorch's)
    "x = tensor([1.0], requires_grad=True)\ntype((x * 2).grad_fn)('MulBackward0', None, [])",
    'x = tensor([1.0], requires_grad=True)\ntype((x * 2).grad_fn.next_functions[0][0])(x)',
    'x = tensor([1.0], requires_grad=True)\nclass N(type((x * 2).grad_fn)):\n    pass',
    'class C(type(lambda: 0)):\n    pass',
    'class C(type(print)):\n    pass',
    'class C(type(len)):\n    pass',
    'class C(type(np.arange(1))):\n    pass',
    'class C(type(np.float64(1))):\n    pass',
    'class C(type(torch)):\n    pass',
    'class C(type(exit)):\n    pass',
    'class C(type(iter([]))):\n    pass',
    'class C(type((x for x in [1]))):\n    pass',
    'class C(super):\n    pass',
    'class C(property):\n    pass',
    'class C(staticmethod):\n    pass',
    'class C(classmethod):\n    pass',
    'class C(object, object):\n    pass',
    'class C:\n    pass\nclass D(C, C):\n    pass',
    'class C(dict.fromkeys):\n    pass',
    # **mapping: its keys are keyword names, which never start with '_'
    "def f(**kw):\n    return kw\nf(**{'_fn': 1})",
    "def f(**kw):\n    return kw\nf(**{'__class__': 1})",
    "x = tensor([1.0, 2.0])\nx.index_fill_(0, tensor([0]), 1.0, **{'_x': 1})",
    "softmax(tensor([1.0]), 0, **{'_stacklevel': 1})",
    "dict(**{'_x': 1})",
    "print(**{'_x': 1})",
    "f = lambda **kw: kw\nf(**{'_': 1})",
    "class C:\n    def __init__(self, **kw):\n        self.kw = kw\nC(**{'__dict__': {}})",
    'def f(**kw):\n    return kw\nf(**{1: 1})',
    "def f(**kw):\n    return kw\nf(**{k: 1 for k in ['a', '_b']})",
    # ... asked once: a mapping whose keys change between two looks does not slip one through
    "class K:\n    def __init__(self):\n        self.n = 0\n    def keys(self):\n        self.n += 1\n"
    "        return ['dtype'] if self.n == 1 else ['_stacklevel']\n    def __getitem__(self, k):\n        return 1\n"
    "softmax(tensor([1.0]), 0, **K())",
    # except and raise take exception classes only
    'raise 1',
    'raise type(int)',
    'raise ValueError from 1',
    'try:\n    1/0\nexcept object:\n    pass',
    'try:\n    1/0\nexcept type(int):\n    pass',
    'try:\n    1/0\nexcept 1:\n    pass',
    'try:\n    1/0\nexcept [ValueError]:\n    pass',
    'try:\n    1/0\nexcept print:\n    pass',
]

# Sizes checked before anything is allocated (the tests run under a 64 MiB limit).
MEMORY_ATTEMPTS = [
    "'a' * 10**12",
    "x = 'ab'\nx * tensor(10**9)",  # a 0-d integer tensor repeats a string, as in PyTorch: counted first
    "def f():\n    return 'a' * 10**12\nf()",
    "f = lambda n: 'a' * n\nf(10**12)",
    '[[0] * 10**12 for i in range(1)]',
    '{i: (0,) * 10**12 for i in range(1)}',
    "sum(len('a' * 10**12) for i in range(1))",
    "b'a' * 10**12",
    "x = 'a'\nx *= 10**12",
    'x = [0]\nx *= 10**12',
    "class O:\n    pass\no = O()\no.v = 'a'\no.v *= 10**12",
    "class O:\n    def __init__(self):\n        self.v = [0]\no = O()\no.v *= 10**12",
    "a = ['a']\na[0] *= 10**12",
    "d = {'k': [0]}\nd['k'] *= 10**12",
    "x = 'ab'\nx * np.int64(10**12)",
    "class N:\n    def __index__(self):\n        return 10**12\n'a' * N()",
    'x = 1\nf"{x:>9999999999}"',
    'x = 1\nf"{x!r:{\'9\' * 12}}"',
    'x = 1\nf"{x:>{10**10}}"',
    'x = 1\nf"{x:{\'>\'}{\'9\' * 10}}"',
    'x = 1\nf"{x:{f\'{9}\' * 10}}"',
    'x = 1.5\nf"{x:.9999999999f}"',
    'def f(w):\n    return f"{1:>{w}}"\nf(10**10)',
    "format(1, '>9999999999')",
    "format(1.5, '.9999999999f')",
    "format(1, '=+9999999999')",
    "'{0:>9999999999}'.format(1)",
    "'{0:{1}}'.format(1, '>' + '9' * 12)",
    "'{:{}{}}'.format(1, '>', 10**10)",
    "'%0999999999d' % 1",
    "'%.9999999999f' % 1.5",
    "x = '%0999999999d'\nx % 1",
    "x = '%0999999999d'\nx %= 1",
    "'a'.center(10**12)",
    "'a'.ljust(10**12)",
    "'a'.rjust(10**12)",
    "'a'.zfill(10**12)",
    "('\\t' * 1000).expandtabs(10**9)",
    "('a' * 1000).replace('a', 'b' * 10**5)",
    'import random\nrandom.choices([1], k=10**12)',
    'import random\nrandom.sample(range(10**12), k=10**12)',
    "'-'.join(['a'] * 10**12)",
]

# Python integers stay under 4300 digits, whatever computes them.
OVERFLOW_ATTEMPTS = [
    'pow(10, 10**10)',
    'pow(10**1000, 10)',
    '10 ** 10 ** 10',
    'x = 10\nx **= 10**10',
    'a = [1]\na[0] <<= 10**10',
    'a = [2]\na[0] **= 10**10',
    "d = {'k': 2}\nd['k'] **= 10**10",
    'class O:\n    pass\no = O()\no.v = 10\no.v *= 10**5000',
    'class O:\n    pass\no = O()\no.v = 10\no.v **= 10**5000',
    'class O:\n    pass\no = O()\no.v = 1\no.v <<= 10**10',
    'def f(x):\n    return x ** x\nf(10**5)',
    '[2 ** 10**7 for i in [1]]',
    'sum(10 ** 10**6 for i in [1])',
    'f = lambda: 1 << 10**10\nf()',
    '1 << 10**10',
    'True << 10**10',
    '(10**4299) ** 2',
    'x = 10**4299\nx * x',
    'y = 2\nfor i in range(30):\n    y = y * y',
    'y = 2\nwhile True:\n    y = y * y',
    'import math\nmath.factorial(10**6)',
    'import math\nmath.comb(10**6, 5*10**5)',
    'import math\nmath.perm(10**6)',
    'import math\nmath.perm(10**6, 10**5)',
    'import math\nmath.prod([10**1000] * 10)',
    'import math\nmath.prod(range(1, 10**6))',
    'import math\nmath.isqrt(10**10000)',
    'import random\nrandom.randrange(10**5000)',
    'import math\nb = math.lcm(*range(1, 30000))',
    'import math\nb = math.lcm(10**4000, 10**4000 + 1)',
]

# Recursion without end is a RecursionError, wherever it recurses (through our guards too).
RECURSION_ATTEMPTS = [
    'def f(n):\n    return f(n + 1)\nf(0)',
    'f = lambda: f()\nf()',
    'def f():\n    return [f() for x in [1]]\nf()',
    'def f():\n    return f"{f()}"\nf()',
    "def f(n):\n    return '{0.p}'.format(n)\nclass C:\n    @property\n    def p(self):\n        return f(self)\nC().p",
    'class C:\n    @property\n    def p(self):\n        return self.p\nC().p',
    'class C:\n    def __repr__(self):\n        return repr(self)\nC()',
    'class C:\n    def __hash__(self):\n        return hash(self)\n{C(): 1}',
    'class C:\n    def __getitem__(self, i):\n        return self[i]\nC()[0]',
    'class C:\n    def __init__(self):\n        self.x = C()\nC()',
    'class C:\n    def __call__(self):\n        return self()\nC()()',
    "def f(n):\n    return hasattr(n, 'p') or f(n)\nf(1)",
    'def f(n):\n    return sorted([1, 2], key=lambda x: f(n + 1))\nf(0)',
    'def f(n):\n    return max([1, 2], key=lambda x: f(n + 1))\nf(0)',
    't = ()\nfor i in range(10**6):\n    t = (t,)\nt',
    't = []\nfor i in range(10**6):\n    t = [t]\nt',
    't = []\nfor i in range(10**6):\n    t = [t]\nrepr(t)',
]

# Values the user's own code returns wrongly are the user's errors, not ours.
USER_TYPE_ATTEMPTS = [
    'class C:\n    def __repr__(self):\n        return 5\nC()',
    'class C:\n    def __repr__(self):\n        return 5\n[C()]',
    'class C:\n    def __str__(self):\n        return 5\nprint(C())',
    'class C:\n    def __index__(self):\n        return "x"\n[1][C()]',
    'class C:\n    def __iter__(self):\n        return 5\nlist(C())',
]

# `except KeyboardInterrupt:` may be written, and catches nothing: the error goes on.
CATCH_NOTHING_ATTEMPTS = [
    'try:\n    1/0\nexcept KeyboardInterrupt:\n    pass',
    'try:\n    1/0\nexcept (KeyboardInterrupt, SystemError):\n    pass',
    'def f():\n    try:\n        1/0\n    except KeyboardInterrupt:\n        return 1\nf()',
]

# PyTorch's own surface, which `--backend torch` puts behind the same allow-lists (the engine's
# torch has none of it): code that is compiled, loaded or run, files, processes, raw memory.
# Refused on both backends (tests/backend runs this suite on torch): by the error named, or, for a
# tuple, by any of them (what the engine lacks, PyTorch refuses with its own bounds check).
TORCH_SURFACE_ATTEMPTS = [
    # unpickling runs code: torch.load is tensorsh's .npy/.npz load, which never unpickles
    ("ValueError", "torch.load('evil.pt')"),
    ("ValueError", "torch.load('evil.pth')"),
    ("ValueError", "load('evil.pt')"),
    ("ValueError", "torch.load('evil.npy')"),
    ("ValueError", "torch.load('evil.npz')"),
    ("TypeError", "torch.load('existing.npy', weights_only=False)"),
    ("AttributeError", "torch.serialization.load('evil.pt')"),
    # compilers, tracers, TorchScript, custom operators and their libraries
    ("AttributeError", "torch.compile(lambda x: x)"),
    ("AttributeError", "torch.jit.script(lambda x: x)"),
    ("AttributeError", "torch.jit.load('evil.pt')"),
    ("ImportError", "import torch.jit"),
    ("ImportError", "from torch import jit"),
    ("AttributeError", "torch.import_ir_module"),
    ("AttributeError", "torch.utils.cpp_extension.load_inline('a', 'b')"),
    ("ImportError", "import torch.utils.cpp_extension"),
    ("ImportError", "from torch.utils import cpp_extension"),
    ("AttributeError", "torch.ops.aten.add(tensor([1]), 1)"),
    ("AttributeError", "torch.classes"),
    ("AttributeError", "torch.library.Library('aten', 'IMPL')"),
    ("AttributeError", "torch.fx.symbolic_trace(lambda x: x)"),
    ("AttributeError", "torch.export"),
    ("AttributeError", "torch.onnx"),
    ("AttributeError", "torch.nn.Linear(1, 1).compile()"),
    ("AttributeError", "torch.nn.Module.compile"),
    ("AttributeError", "class N(torch.nn.Module):\n    def f(self):\n        return super().compile()\nN().f()"),
    ("SyntaxError", "torch._C"),
    ("SyntaxError", "torch._dynamo"),
    # downloads, packages, processes, profilers that write traces, the libraries behind torch.backends
    # (only cudnn's switches and mps's questions are there)
    ("AttributeError", "torch.hub.load('pytorch/vision', 'resnet18')"),
    ("AttributeError", "torch.package.PackageImporter('evil.pt')"),
    ("AttributeError", "torch.multiprocessing.spawn"),
    ("AttributeError", "torch.distributed"),
    ("AttributeError", "torch.profiler.profile()"),
    ("AttributeError", "torch.autograd.profiler"),
    ("AttributeError", "torch.backends.mkldnn"),
    ("AttributeError", "torch.backends.cudnn.version()"),
    ("AttributeError", "torch.backends.cudnn.flags"),
    ("AttributeError", "torch.backends.cudnn.other = 1"),
    ("AttributeError", "torch.backends.opt_einsum.strategy"),
    ("AttributeError", "torch.random.fork_rng"),
    ("AttributeError", "torch.cuda.CUDAPluggableAllocator('evil.so', 'a', 'b')"),
    ("AttributeError", "torch.cuda.memory"),
    ("AttributeError", "torch.cuda.tunable"),
    ("ValueError", "torch.utils.data.DataLoader([1, 2], num_workers=2)"),
    # storages, files mapped as tensors, raw memory
    ("AttributeError", "x = tensor([1.0])\nx.storage()"),
    ("AttributeError", "x = tensor([1.0])\nx.untyped_storage()"),
    ("AttributeError", "x = tensor([1.0])\nx.storage_type()"),
    ("AttributeError", "torch.Tensor.untyped_storage(tensor([1.0]))"),
    ("AttributeError", "torch.nn.Parameter.storage"),
    ("AttributeError", "class T(torch.Tensor):\n    pass\nT([1.0]).storage()"),
    ("AttributeError",
     "class T(torch.Tensor):\n    def f(self):\n        return super().untyped_storage()\nT([1.0]).f()"),
    ("AttributeError", "x = tensor([1.0])\nx.share_memory_()"),
    ("AttributeError", "torch.nn.Linear(1, 1).share_memory()"),
    ("AttributeError", "x = tensor([1.0])\nx.pin_memory()"),
    ("AttributeError", "x = tensor([1.0])\nx.set_(tensor([2.0]))"),
    ("AttributeError", "torch.UntypedStorage"),
    ("AttributeError", "torch.FloatStorage"),
    ("AttributeError", "torch.from_file('@OUT@', size=10)"),
    ("AttributeError", "torch.frombuffer(b'abc', dtype=torch.uint8)"),
    # what data_ptr() gives is a number: nothing turns it back into memory
    (("AttributeError", "RuntimeError"), "x = tensor([1.0, 2.0])\ntorch.as_strided(x, (4,), (1,), x.data_ptr())"),
    (("AttributeError", "RuntimeError"), "x = tensor([1.0, 2.0])\nx.as_strided((10**6,), (1,))"),
    ("ImportError", "x = tensor([1.0])\na = x.data_ptr()\nimport ctypes"),
    ("AttributeError", "x = tensor([1.0])\na = x.data_ptr()\nx.numpy().ctypes"),
    ("AttributeError", "x = tensor([1.0])\nx.numpy().tofile('@OUT@')"),
    ("ValueError", "x = tensor([1.0])\nx.type('os.system')"),
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

EXPECTED_KINDS = [
    ("SyntaxError", UNDERSCORE_ATTEMPTS), ("AttributeError", PROTOCOL_ATTEMPTS),
    ("AttributeError", ATTRIBUTE_ATTEMPTS), ("SyntaxError", SYNTAX_ATTEMPTS), ("NameError", NAME_ATTEMPTS),
    ("ImportError", IMPORT_ATTEMPTS), ("ValueError", VALUE_ATTEMPTS), ("PermissionError", PERMISSION_ATTEMPTS),
    ("TypeError", TYPE_ATTEMPTS), ("MemoryError", MEMORY_ATTEMPTS), ("OverflowError", OVERFLOW_ATTEMPTS),
    ("RecursionError", RECURSION_ATTEMPTS), ("TypeError", USER_TYPE_ATTEMPTS),
    ("ZeroDivisionError", CATCH_NOTHING_ATTEMPTS),
]
CASES = [(kind, source) for kind, sources in EXPECTED_KINDS for source in sources]

# Run through the `tensorsh` command (--max-memory 64M, the process capped as the CLI caps it):
# attempts that would allocate past the limit if a check were missing, or crash the process.
_C_RECURSION_OPEN = pytest.mark.xfail(strict=True, reason="open: CPython hashes a nested tuple by recursing in C "
                                     "without a depth check; bounding it needs a larger stack than a process gets")
PROCESS_ATTEMPTS = [
    # widths and counts that are not digits in the template
    ("MemoryError", "len('%*d' % (999999999, 1))"),
    ("MemoryError", "len('%.*f' % (999999999, 1.5))"),
    ("MemoryError", "len(b'%0999999999d' % 1)"),
    ("MemoryError", "len(b'%*d' % (999999999, 1))"),
    ("MemoryError", "len('%(a)999999999s' % {'a': 1})"),
    # str's own methods, reached unbound through the class
    ("AttributeError", "len(str.center('a', 10**9))"),  # the unbound forms are not offered: their sizes go unchecked
    ("AttributeError", "len(str.ljust('a', 999999999))"),  # the unbound forms are not offered: their sizes go unchecked
    ("AttributeError", "len(str.zfill('a', 999999999))"),  # the unbound forms are not offered: their sizes go unchecked
    ("AttributeError", "len(str.expandtabs('\\t' * 1000, 10**6))"),  # the unbound forms are not offered: their sizes go unchecked
    ("AttributeError", "len(str.replace('a' * 1000, 'a', 'b' * 10**6))"),  # the unbound forms are not offered: their sizes go unchecked
    # sizes given by objects that are not ints
    ("MemoryError", "len('ab'.center(np.int64(10**9)))"),
    ("MemoryError", "class N:\n    def __index__(self):\n        return 10**9\nlen('a'.center(N()))"),
    ("MemoryError", "class N:\n    def __index__(self):\n        return 10**6\nlen(('\\t' * 1000).expandtabs(N()))"),
    ("MemoryError", "import random\nclass N:\n    def __index__(self):\n        return 10**8\n"
                    "len(random.choices([1], k=N()))"),
    ("OverflowError", "import math\nmath.factorial(np.int64(10**6)) > 0"),
    ("OverflowError", "import math\nmath.comb(np.int64(10**6), np.int64(5 * 10**5)) > 0"),
    ("OverflowError", "import math\nmath.perm(np.int64(10**6), np.int64(10**5)) > 0"),
    ("OverflowError", "import math\nclass N:\n    def __index__(self):\n        return 10**6\nmath.factorial(N()) > 0"),
    # NumPy's array class, reached through type(): the same limit as np.ones
    ("TypeError", "ND = type(np.arange(1))\na = ND((10000, 10000))\na.fill(1)\na.shape"),  # not callable
    # Python's own growth, beyond what any check foresees: the process cap
    ("MemoryError", "list(range(10**10))"),
    ("MemoryError", "y = [[0] * 1000000 for i in range(1000)]"),
    # the real `type` (of any class) builds classes from a dict: no bases check, no validator,
    # __module__ set to look like the engine's; then ctypes' from_address reads any address
    ("TypeError", "T = type(int)\nA = T('A', (type(np.arange(1)),), {})\na = A(3)\nc = super(A, a).ctypes\n"
                  "K = T('K', (type(c),), {})\nk = K(a)\nS = type(super(K, k).shape)\nM = T('M', (type(S),), {})\n"
                  "X = M('X', (S,), {})\nsuper(M, X).from_address(8)[0]"),
    ("TypeError", "T = type(int)\nS = T('S', (str,), {'__len__': lambda s: 0})\nlen(S('a') * 10**9)"),
    ("TypeError", "T = type(int)\nS = T('S', (str,), {})\nlen(S('%0999999999d') % 1)"),
    ("TypeError", "T = type(int)\nA = T('A', (type(np.arange(1)),), {'__module__': 'tensorsh.engine.x'})\n"
                  "a = A(3)\na.tofile('@OUT@')"),
    # C code that recurses without a Python frame: a segfault (exit -11) if nothing stops it
    ("RecursionError", "x = iter([1])\nfor i in range(10**6):\n    x = map(abs, x)\nnext(x)"),
    ("RecursionError", "x = [[1]]\nfor i in range(10**6):\n    x = map(sorted, x)\nlist(x)"),
    ("RecursionError", "x = [1]\nfor i in range(5 * 10**6):\n    x = filter(abs, x)\nlist(x)"),
    pytest.param("RecursionError", "t = ()\nfor i in range(5 * 10**6):\n    t = (t,)\nhash(t)", marks=_C_RECURSION_OPEN),
    pytest.param("RecursionError", "t = ()\nfor i in range(5 * 10**6):\n    t = (t,)\nlen({t: 1})", marks=_C_RECURSION_OPEN),
    # a NumPy object array that holds itself: NumPy's C loops recurse into it
    ("TypeError", "a = np.array([None, None], dtype=object)\na[0] = a\nb = a + 1"),
    ("TypeError", "a = np.array([None], dtype=object)\na[0] = a\nb = -a"),
    ("TypeError", "a = np.array([None, None], dtype=object)\na[0] = a\nb = np.sum(a)"),
    # torch.Size is a tuple the program may build on: its __len__ and __iter__ are the program's
    ("MemoryError", "class S(torch.Size):\n    def __len__(self):\n        return 0\nlen(S([1] * 1000) * 10**5)"),
    ("MemoryError", "class S(torch.Size):\n    def __len__(self):\n        return 0\nx = S([1] * 1000)\n"
                    "x *= 10**5\nlen(x)"),
    ("MemoryError", "class S(torch.Size):\n    def __iter__(self):\n        return iter([1, 1])\n"
                    "len('%*d' % S([999999999, 1]))"),
    ("MemoryError", "R = type(torch.max(tensor([1.0, 2.0]), 0))\nclass S(R):\n    def __len__(self):\n"
                    "        return 0\nlen(S(1, 2) * (5 * 10**7))"),
    # format widths the checks' patterns do not see
    ("MemoryError", "len(format(1, '\\n>999999999'))"),
    ("MemoryError", "len('{0:\\n>999999999}'.format(1))"),
    ("MemoryError", "len(f'{1:{chr(10)}>999999999}')"),
    ("MemoryError", "len('%(a(b)c)0999999999d' % {'a(b)c': 1})"),
    ("MemoryError", "len('%(a)s%(b(c)d)999999999s' % {'a': 1, 'b(c)d': 1})"),
    ("MemoryError", "len(b'%(a(b)c)0999999999d' % {b'a(b)c': 1})"),
]

# Known open, left for issue 15 ("every computation interruptible"): NumPy drops an exception
# raised in a program object's __len__ while converting the object, and an interrupt raised
# there is lost with it (an exit() is kept and raised again after any NumPy function of the
# subset, but `==` on an array calls no function of ours).
_NUMPY_DROPS_OPEN = pytest.mark.xfail(strict=False, reason="issue 15: NumPy drops exceptions raised in __len__ "
                                      "(not strict: whether NumPy retries the conversion varies)")

# Ctrl-C stops a program whatever it catches, and whatever its `finally` blocks and
# context managers do: SIGINT, then the `tensorsh` command exits 130 at once.
INTERRUPT_ATTEMPTS = [
    "try:\n    while True:\n        pass\nexcept BaseException:\n    print('caught')",
    "try:\n    while True:\n        pass\nexcept:\n    print('caught')",
    "try:\n    while True:\n        pass\nexcept (ValueError, BaseException):\n    print('caught')",
    "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass",
    "class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n        return True\n"
    "with S():\n    while True:\n        pass\nprint('survived')",
    "class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n        return True\n"
    "while True:\n    with S():\n        while True:\n            pass",
    "g = (x for x in iter(int, 1))\nfor x in g:\n    pass",
    # a program's class built on one of the engine's context managers is still the program's
    "class N(torch.no_grad):\n    def __exit__(self, *a):\n        return True\nwith N():\n    while True:\n"
    "        pass\nprint('survived')",
    "class N(torch.enable_grad):\n    def __exit__(self, *a):\n        return True\nwhile True:\n    with N():\n"
    "        while True:\n            pass",
    # NumPy's conversion of a sequence drops what its __len__ raises
    pytest.param("class C:\n    def __len__(self):\n        while True:\n            pass\n"
                 "    def __getitem__(self, i):\n        return 1\nnp.array(C())\nprint('survived')",
                 marks=_NUMPY_DROPS_OPEN),
    pytest.param("class C:\n    def __len__(self):\n        while True:\n            pass\n"
                 "    def __getitem__(self, i):\n        return 1\nnp.arange(2) == C()\nprint('survived')",
                 marks=_NUMPY_DROPS_OPEN),
]

# What would let a program swallow Ctrl-C or exit() is refused before the program runs:
# leaving a `finally` block (which drops the exception in flight), and classes that build on
# BaseException without Exception (which no `except` short of BaseException could catch).
SWALLOWING_ATTEMPTS = [
    ("SyntaxError", "def f():\n    try:\n        while True:\n            pass\n    finally:\n        return 1\n"
                    "f()\nprint('survived')"),
    ("SyntaxError", "for i in range(3):\n    try:\n        while True:\n            pass\n    finally:\n        break\n"
                    "print('survived')"),
    ("SyntaxError", "while True:\n    try:\n        while True:\n            pass\n    finally:\n        continue"),
    ("SyntaxError", "def f():\n    try:\n        raise KeyboardInterrupt\n    finally:\n        return 1\nf()"),
    ("SyntaxError", "for i in range(2):\n    try:\n        raise KeyboardInterrupt\n    finally:\n        continue"),
    ("SyntaxError", "def f():\n    try:\n        exit(3)\n    finally:\n        return 1\nf()\nprint('survived')"),
    ("SyntaxError", "for i in range(2):\n    try:\n        exit(3)\n    finally:\n        if i:\n            continue"),
    ("SyntaxError", "def f():\n    try:\n        pass\n    finally:\n        for i in range(2):\n            return i"),
    ("TypeError", "class B(BaseException):\n    pass\ntry:\n    while True:\n        pass\nexcept B:\n    print('caught')"),
    ("TypeError", "class B(KeyboardInterrupt):\n    pass"),
]


# exit() and quit() end the program with their status, whatever it catches or its blocks do.
EXIT_ATTEMPTS = [
    ("exit()", 0),
    ("quit()", 0),
    ("exit(3)", 3),
    ("quit(4)", 4),
    ("exit", 0),
    ("x = exit\nx", 0),
    ("def f():\n    exit(5)\nf()", 5),
    ("[exit(6) for i in [1]]", 6),
    ("try:\n    exit(3)\nexcept BaseException:\n    print('caught')", 3),
    ("try:\n    exit(3)\nexcept:\n    print('caught')", 3),
    ("try:\n    exit(3)\nexcept Exception:\n    print('caught')", 3),
    ("try:\n    exit(3)\nfinally:\n    print('finally ran')", 3),
    ("class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n        return True\n"
     "with S():\n    exit(3)\nprint('survived')", 3),
    ("class N(torch.no_grad):\n    def __exit__(self, *a):\n        return True\nwith N():\n    exit(3)\n"
     "print('survived')", 3),
    ("class N(torch.set_grad_enabled):\n    def __exit__(self, *a):\n        return True\nwith N(False):\n"
     "    exit(3)\nprint('survived')", 3),
    ("class N(torch.inference_mode):\n    def __exit__(self, *a):\n        return True\ndef f():\n"
     "    with N():\n        exit(3)\nf()\nprint('survived')", 3),
    *((f"class C:\n    def __len__(self):\n        exit(3)\n    def __getitem__(self, i):\n        return 1\n"
       f"{call}\nprint('survived')", 3)
      for call in ("np.array(C())", "np.asarray(C())", "np.sum(C())", "np.concatenate([C()])",
                   "np.where(C(), 1, 0)", "np.isclose(C(), 1)", "save(C(), 'x.npy')")),
    pytest.param("class C:\n    def __len__(self):\n        exit(3)\n    def __getitem__(self, i):\n        return 1\n"
                 "np.arange(2) == C()\nprint('survived')", 3, marks=_NUMPY_DROPS_OPEN),
]


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


@pytest.fixture(autouse=True)
def small_memory_limit():
    """A 64 MiB limit, so that no check that works needs the machine's memory to show it."""
    previous = limits.max_memory()
    limits.set_max_memory(64 * 2 ** 20)
    try:
        yield
    finally:
        limits.set_max_memory(previous)


def _listing(path):
    return sorted((str(p.relative_to(path)), p.stat().st_size if p.is_file() else 0)
                  for p in path.rglob("*") if not p.is_symlink())


def _state(jail):
    work, outside = jail
    return _listing(work), _listing(outside), dict(os.environ), os.getcwd()


def attempt(source, jail, **options):
    """Run an escape attempt; return the error after checking that nothing changed anywhere."""
    work, outside = jail
    source = source.replace("@OUT@", str(outside / "pwned"))
    before = _state(jail)
    with pytest.raises(TensorshError) as info:
        Session(**options).run(source, "<t>", lambda value: repr(value))
    assert _state(jail) == before, source
    error = info.value
    assert error.span is not None and not error.internal, (source, error.kind, error.message)
    return error


@pytest.mark.parametrize("kind, source", CASES)
def test_escape_attempt_is_refused(kind, source, jail):
    error = attempt(source, jail)
    assert error.kind == kind, (source, error.message)
    assert error.message


@pytest.mark.parametrize("source", UNDERSCORE_ATTEMPTS)
def test_underscore_names_are_refused_before_anything_runs(source, jail):
    error = attempt(f"print('ran')\n{source}", jail)
    assert error.before_running, source
    assert error.kind == "SyntaxError" and "'_" in error.message, (source, error.message)


class _Pwn:
    """Unpickled, it runs a command that leaves a file behind."""

    def __reduce__(self):
        return os.system, ("touch pwned",)


@pytest.fixture
def pickles(jail):
    """Pickles in the working directory that would run code if loaded, as torch.load would."""
    import pickle

    work, _ = jail
    for name in ("evil.pt", "evil.pth"):
        (work / name).write_bytes(pickle.dumps(_Pwn()))
    numpy.save(work / "evil.npy", numpy.array([_Pwn()], dtype=object), allow_pickle=True)
    numpy.savez(work / "evil.npz", a=numpy.array([_Pwn()], dtype=object))
    return jail


@pytest.mark.parametrize("kind, source", TORCH_SURFACE_ATTEMPTS)
def test_pytorch_surface_is_refused(kind, source, pickles):
    error = attempt(source, pickles)
    assert error.kind in (kind if isinstance(kind, tuple) else (kind,)), (source, error.kind, error.message)


@pytest.mark.parametrize("source", LINK_ATTEMPTS)
def test_symlinks_out_of_the_working_directory_are_refused(source, jail):
    error = attempt(source, jail)
    assert error.kind == "PermissionError"
    assert error.message.startswith("save and load only reach files inside the working directory")


@pytest.mark.parametrize("source", NO_FILES_ATTEMPTS)
def test_no_files_refuses_every_file_operation(source, jail):
    error = attempt(source, jail, files_allowed=False)
    assert (error.kind, error.message) == ("PermissionError", "file access is turned off (--no-files)")


# The command the process attempts run, and how long a program has to start before Ctrl-C:
# tests/backend runs this suite again with both set for --backend torch.
TENSORSH = [sys.executable, "-m", "tensorsh"]
STARTUP_SECONDS = 2.0


def _tensorsh(source, cwd, *options, timeout=120):
    return subprocess.run([*TENSORSH, "--max-memory", "64M", "--no-color", *options,
                           "-c", source], capture_output=True, text=True, timeout=timeout, cwd=cwd)


@pytest.mark.parametrize("kind, source", PROCESS_ATTEMPTS)
def test_escape_attempt_in_a_process_of_its_own_is_refused(kind, source, jail):
    work, outside = jail
    source = source.replace("@OUT@", str(outside / "pwned"))
    before = _state(jail)
    done = _tensorsh(source, work)
    assert _state(jail) == before, source
    assert done.returncode == 1, (source, done.returncode, done.stdout[-200:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "InternalError" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error[{kind}]"), (source, done.stderr)


@pytest.mark.parametrize("kind, source", SWALLOWING_ATTEMPTS)
def test_what_could_swallow_an_interrupt_is_refused(kind, source):
    session = Session()
    with pytest.raises(TensorshError) as info:
        session.run(source + "\nran_to_the_end = True", "<t>")
    assert info.value.kind == kind and not info.value.internal and info.value.span is not None, info.value.message
    assert "ran_to_the_end" not in session.variables
    assert kind != "SyntaxError" or info.value.message.endswith("out of a `finally` block is not part of tensorsh")


def test_break_and_continue_inside_a_loop_of_their_own_stay_allowed_in_finally():
    shown = []
    Session().run("def f():\n    try:\n        pass\n    finally:\n        for i in range(3):\n            if i:\n"
                  "                break\n            continue\n        def g():\n            return 2\n"
                  "    return g()\nf()", "<t>", shown.append)
    assert shown == [2]


@pytest.mark.parametrize("source", INTERRUPT_ATTEMPTS)
def test_ctrl_c_stops_a_program_whatever_it_catches(source, tmp_path):
    script = tmp_path / "loop.tsh"
    script.write_text(source)
    process = subprocess.Popen([*TENSORSH, str(script)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        time.sleep(STARTUP_SECONDS)
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)  # a second Ctrl-C must not be needed, but try it
            try:
                out, err = process.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                pytest.fail(f"still running 15 s after Ctrl-C (killed):\n{source}")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (process.returncode, out, err) == (130, "", "interrupted\n"), source


# A KeyboardInterrupt the program raises itself is Ctrl-C too: nothing in the program stops it.
RAISED_INTERRUPT_ATTEMPTS = [
    "raise KeyboardInterrupt",
    "try:\n    raise KeyboardInterrupt\nexcept BaseException:\n    print('caught')",
    "try:\n    raise KeyboardInterrupt\nexcept:\n    print('caught')",
    "try:\n    raise KeyboardInterrupt\nexcept KeyboardInterrupt:\n    print('caught')",
    "try:\n    raise KeyboardInterrupt\nexcept (Exception, BaseException):\n    print('caught')",
    "class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, *a):\n        return True\n"
    "with S():\n    raise KeyboardInterrupt\nprint('survived')",
    "class S:\n    def __enter__(self):\n        return self\n    def __exit__(self, t, v, tb):\n"
    "        return t is not None\nwith S():\n    raise KeyboardInterrupt\nprint('survived')",
    "g = (1 / 0 for i in [1])\ntry:\n    raise KeyboardInterrupt\nexcept ZeroDivisionError:\n    print('caught')",
    "class N(torch.no_grad):\n    def __exit__(self, *a):\n        return True\nwith N():\n"
    "    raise KeyboardInterrupt\nprint('survived')",
    "class N(torch.enable_grad):\n    def __exit__(self, t, v, tb):\n        return t is not None\nwith N():\n"
    "    raise KeyboardInterrupt\nprint('survived')",
    pytest.param("class C:\n    def __len__(self):\n        raise KeyboardInterrupt\n    def __getitem__(self, i):\n"
                 "        return 1\nnp.array(C())\nprint('survived')", marks=_NUMPY_DROPS_OPEN),
    pytest.param("class C:\n    def __len__(self):\n        raise KeyboardInterrupt\nnp.arange(2) == C()\n"
                 "print('survived')", marks=_NUMPY_DROPS_OPEN),
]


@pytest.mark.parametrize("source", RAISED_INTERRUPT_ATTEMPTS)
def test_a_keyboard_interrupt_cannot_be_caught_or_swallowed(source, jail):
    before = _state(jail)
    written = []
    with pytest.raises(KeyboardInterrupt):
        Session(write=written.append).run(source, "<t>", lambda value: repr(value))
    assert "caught" not in "".join(written) and "survived" not in "".join(written), (source, written)
    assert _state(jail) == before


@pytest.mark.parametrize("source, status", EXIT_ATTEMPTS)
def test_exit_and_quit_end_the_program_whatever_it_catches(source, status, jail):
    before = _state(jail)
    written = []
    with pytest.raises(ExitRequest) as info:
        Session(write=written.append).run(source, "<t>", lambda value: repr(value))
    assert info.value.status == status, (source, written)
    assert "caught" not in "".join(written) and "survived" not in "".join(written), (source, written)
    assert _state(jail) == before


def test_exit_is_not_an_error_and_its_value_only_describes_itself():
    assert not issubclass(ExitRequest, (TensorshError, Exception))
    shown = []
    Session().run("repr(exit)\n[exit, quit]\nexit == quit", "<t>", shown.append)
    assert shown[0] == "Use exit() or Ctrl-D (i.e. EOF) to exit"
    assert len(shown[1]) == 2 and shown[2] is False


def test_every_exception_a_program_raises_comes_back_as_a_located_error():
    # Nothing but TensorshError (and exit/Ctrl-C) leaves Session.run, whatever the program raises.
    programs = [
        "raise BaseException('x')",
        "class B(BaseException):\n    pass\nraise B()",
        "class B(BaseException):\n    pass\ntry:\n    raise B()\nexcept BaseException:\n    print('caught')",
        "class B(BaseException):\n    pass\nclass C:\n    def __repr__(self):\n        raise B()\nC()",
        "class E(Exception):\n    def __str__(self):\n        raise E()\nraise E()",
        "class E(Exception):\n    def __str__(self):\n        return 1\nraise E()",
        "raise StopIteration",
        "raise SystemError('x')",
        "raise MemoryError",
        "raise RecursionError",
        "raise ValueError(print)",
    ]
    for source in programs:
        try:
            Session(write=lambda text: None).run(source, "<t>", repr)
        except TensorshError as error:
            assert error.span is not None and not error.internal, (source, error.kind, error.message)
        except BaseException as exc:  # noqa: BLE001
            pytest.fail(f"{type(exc).__name__} escaped Session.run:\n{source}")
        else:
            pytest.fail(f"no error:\n{source}")


def test_the_guards_names_cannot_be_rebound_by_a_program():
    session = Session()
    with pytest.raises(TensorshError) as info:  # refused before anything runs, like any '_' name
        session.run("from __future__ import annotations as _tsh_getattr", "<t>")
    assert info.value.kind == "SyntaxError"
    for source in ("from __future__ import annotations", "from __future__ import braces",
                   "from math import *", "from torch import *", "import torch.nn", "import math as m"):
        session.run(source, "<t>")
    shown = []
    session.run("x = [1]\nx.append(2)\nx\nf'{x!r:>8}'\n2 ** 3 * 2", "<t>", shown.append)
    assert shown == [[1, 2], "  [1, 2]", 16]
    assert not [k for k in session.variables if k.startswith("_") and k != "__builtins__"]
    assert "annotations" not in session.variables and "braces" not in session.variables


def test_future_imports_change_nothing_and_bind_nothing():
    # CPython's compiler gives `from __future__ import braces` its famous "not a chance";
    # tensorsh's features are the same either way, so every __future__ import is a no-op.
    shown = []
    Session().run("from __future__ import annotations\nfrom __future__ import braces\n"
                  "from __future__ import no_such_feature\n1", "<t>", shown.append)
    assert shown == [1]


def test_help_names_nothing_private():
    # help('NAME') resolves a name as the program would: the runtime's own entries are not names.
    for name in ("_tsh_getattr", "_tsh_show", "_tsh_import_star", "__build_class__", "__builtins__", "__name__",
                 "_tsh_t1", "__import__", "x._y", "print.__globals__"):
        written = []
        Session(write=written.append).run(f"help({name!r})", "<t>")
        assert "".join(written).startswith(f"no help for '{name}'"), (name, "".join(written))


def test_help_and_dir_of_builtins_show_their_own_names():
    written, shown = [], []
    Session(write=written.append).run("help(format)\nhelp(print)\nrepr(print)\nrepr(format)", "<t>", shown.append)
    text = "".join(written)
    assert text.startswith("format(") and "\nprint(" in text, text
    assert not [s for s in shown if "<locals>" in s or "builtin_format" in s or "make_print" in s], shown


def test_hasattr_sees_only_public_attributes():
    shown = []
    Session().run("class C:\n    def m(self):\n        pass\n"
                  "values = [1, 'a', [], tensor([1]), np.arange(2), C(), C, print, (x for x in [1]), super]\n"
                  "[hasattr(v, n) for v in values for n in ('__class__', '__dict__', '__init__', '__globals__',"
                  " '__code__', '_data', '__subclasses__', 'gi_frame', 'tofile', 'mro')]\n"
                  "hasattr(1, 'real'), hasattr(tensor([1]), 'shape'), hasattr(C(), 'm')", "<t>", shown.append)
    assert shown[0] == [False] * 100
    assert shown[1] == (True, True, True)


def test_dir_lists_no_underscore_names():
    shown = []
    Session().run("class C:\n    def __init__(self):\n        self.v = 1\n    def m(self):\n        pass\n"
                  "values = [1, 'a', [], {}, tensor([1]), np.arange(2), C(), C, print, (x for x in [1]), "
                  "ValueError('x'), super, type, torch, np, math]\n"
                  "[dir(v) for v in values]\ndir()", "<t>", shown.append)
    assert shown[1] and shown[0][0] and shown[0][4]
    for names in (*shown[0], shown[1]):
        assert not [n for n in names if n.startswith("_")], names
    assert "v" in shown[0][6] and "m" in shown[0][6]


def test_new_builtins_that_used_to_be_refused_are_legitimate_now():
    shown = []
    Session().run("dict(a=1)\ntype(1)\nhasattr(1, 'x')\nobject() is not None\nissubclass(bool, int)\n"
                  "format(255, 'x')\nnext(iter([7]))\nid(1) == id(1)\nhash(1)\n'{.real}'.format(3)\n"
                  "class C:\n    @property\n    def p(self):\n        return 1\n    @staticmethod\n"
                  "    def s():\n        return 2\n    @classmethod\n    def c(cls):\n        return 3\n"
                  "C().p + C.s() + C.c()", "<t>", shown.append)
    assert shown == [{"a": 1}, int, False, True, True, "ff", 7, True, 1, "3", 6]


def test_underscore_and_unlisted_attributes_name_the_rule():
    # A real attribute off the allow-list says so; a dunder is refused before running.
    errors = {}
    for source in ("np.arange(3).tofile", "'x'.format_map", "np.arange(3).__class__", "[].__len__"):
        with pytest.raises(TensorshError) as info:
            Session().run(source, "<t>")
        errors[source] = info.value.message
    assert errors == {
        "np.arange(3).tofile": "'ndarray' object attribute 'tofile' is not available in tensorsh",
        "'x'.format_map": "'str' object attribute 'format_map' is not available in tensorsh",
        "np.arange(3).__class__": "the attribute '__class__' starts with '_': such names are not part of tensorsh",
        "[].__len__": "'list' object attribute '__len__' is not available in tensorsh",
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
                "z = y.grad_fn\nf = lambda v: v\ns = 'text'\nn = a.sum()\nr = range(3)\n"
                "def g(p=[1]):\n    q = 1\n    return lambda: q\nh = g()\n"
                "class C:\n    k = 1\n    def __init__(self):\n        self.v = [1]\n    def m(self):\n"
                "        return super()\n    @property\n    def p(self):\n        return 2\n"
                "class D(C):\n    pass\nclass E(ValueError):\n    pass\no = D()\nsup = o.m()\n"
                "e = E('x')\ngen = (i for i in [1])\nit = iter([1])\nT = type(o)", "<t>")
    # The roots: every name a program can write.
    roots = {name: value for name, value in {**session.builtins, **session.variables}.items()
             if not name.startswith("_") or name == "_"}
    reached = 0
    for path, value in _walk(roots):
        reached += 1
        assert not isinstance(value, (types.ModuleType, types.CodeType, types.FrameType, types.TracebackType,
                                      types.CellType, types.MappingProxyType)), path
        assert not (isinstance(value, dict) and "__builtins__" in value), path  # a globals dict
        assert value is not os and value is not sys and value is not numpy, path
        assert value is not type, path  # the metaclass builds classes from a dict of anything
        if isinstance(value, types.FunctionType):
            assert not namespace.attribute_table(value), path  # functions expose nothing
    assert reached > 1000


def test_attempts_through_the_cli_exit_1_or_2_without_a_traceback(tmp_path):
    for source, status in (("import os", 2), ("().__class__", 2), ("np.arange(3).tofile('/tmp/x')", 1),
                           ("open('/etc/passwd')", 1), ("type(1).__subclasses__()", 2),
                           ("def f():\n    pass\nf.__globals__", 2), ("'{0.__class__}'.format(1)", 1)):
        done = subprocess.run([sys.executable, "-m", "tensorsh", "--no-files", "-c", source], capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)
        assert done.returncode == status and "Traceback" not in done.stderr, (source, done.stderr)
        assert done.stderr.startswith("error[")
    assert list(tmp_path.iterdir()) == []


# Values beyond the memory limit (64M here), refused before they are built: run through the
# `tensorsh` command, sizes between the limit and the process cap (limit + 1 GiB), so that a
# missing check shows as a program that succeeds. Either error kind of a refused size will do.
SIZE_KINDS = ("MemoryError", "RuntimeError")
# ... or never built at all: bytes' class is not callable through type(), and arrays of
# Python objects are not part of the language.
NEVER_BUILT_ATTEMPTS = [
    "len(type(b'')(10**9))",
    "B = type(b'')\nb = B(5 * 10**8)\nlen(b)",
    "a = np.array(['ab'], dtype=object)\nlen((a * 10**8)[0])",
    "a = np.array(['ab'], dtype=object)\na *= 10**8\nlen(a[0])",
    "a = np.array([None], dtype=object)\na[0] = [0]\nlen((a * 10**8)[0])",
]
# Known open: NumPy arrays' +, -, / and comparisons are bounded only by the process cap, as routing
# every `+` of a program through a guard would slow every loop. Strict: a fix fails them.
_NUMPY_SUBSET_OPEN = pytest.mark.xfail(strict=True, reason="NumPy's +, -, / and comparisons are not guarded: the compiler "
                                                          "sends only *, **, @, % and << through guards")
LIMIT_ATTEMPTS = [
    # NumPy broadcasting: the unguarded operators, then the functions and guarded operators
    pytest.param("(np.ones((1, 9000)) + np.ones((9000, 1))).nbytes", marks=_NUMPY_SUBSET_OPEN),
    pytest.param("(np.ones((1, 9000)) - np.ones((9000, 1))).nbytes", marks=_NUMPY_SUBSET_OPEN),
    pytest.param("(np.ones((1, 9000)) / np.ones((9000, 1))).nbytes", marks=_NUMPY_SUBSET_OPEN),
    pytest.param("(np.ones((1, 9000)) > np.ones((9000, 1))).nbytes", marks=_NUMPY_SUBSET_OPEN),
    pytest.param("a = np.ones((1, 9000))\na = a + np.ones((9000, 1))\na.nbytes", marks=_NUMPY_SUBSET_OPEN),
    "np.where(np.ones((9000, 1)) > 0, np.ones((1, 9000)), 0.0).nbytes",
    "np.maximum(np.ones((1, 9000)), np.ones((9000, 1))).nbytes",
    "np.minimum(np.ones((1, 9000)), np.ones((9000, 1))).nbytes",
    "np.clip(np.ones((9000, 1)), np.ones((1, 9000)), 2).nbytes",
    "np.dot(np.ones((9000, 1)), np.ones((1, 9000))).nbytes",
    "np.matmul(np.ones((9000, 1)), np.ones((1, 9000))).nbytes",
    "(np.ones((9000, 1)) * [[1.0] * 9000]).nbytes",
    "(np.ones((9000, 1)) ** [[1.0] * 9000]).nbytes",
    "(np.ones((9000, 1)) % np.ones((1, 9000))).nbytes",
    "(np.arange(9000).reshape(9000, 1) << np.arange(9000)).nbytes",
    "np.isclose(np.ones((9000, 1)), np.ones((1, 9000)), 0.5).nbytes * 8",
    # NumPy sizes given other than by shape
    "np.zeros_like(np.ones(1), shape=(9000, 9000)).nbytes",
    "np.ones_like(np.ones(1), shape=(9000, 9000)).nbytes",
    "np.full_like(np.ones(1), 2.0, shape=(9000, 9000)).nbytes",
    "np.array(1, dtype='U200000000').nbytes",
    "np.array(0, dtype=('f8', (9000, 9000))).nbytes",
    "np.asarray(0, dtype=('f8', (9000, 9000))).nbytes",
]


@pytest.mark.parametrize("source", NEVER_BUILT_ATTEMPTS)
def test_values_beyond_the_memory_limit_are_never_built(source, jail):
    work, _ = jail
    done = _tensorsh(source, work)
    assert done.returncode == 1 and done.stderr.startswith("error[TypeError]"), (source, done.stderr[-2000:])


@pytest.mark.parametrize("source", LIMIT_ATTEMPTS)
def test_values_beyond_the_memory_limit_are_refused_before_they_are_built(source, jail):
    work, _ = jail
    before = _state(jail)
    done = _tensorsh(source, work)
    assert _state(jail) == before, source
    assert done.returncode == 1, (source, done.returncode, done.stdout[-200:], done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "InternalError" not in done.stderr, done.stderr
    assert done.stderr.startswith(tuple(f"error[{kind}]" for kind in SIZE_KINDS)), (source, done.stderr)


# A program's mistakes in classes built on the engine's, or in the callbacks the engine calls,
# are the program's errors (located, of any kind), never an InternalError.
ENGINE_CALLBACK_MISTAKES = [
    "class T(torch.Tensor):\n    def __init__(self, *a):\n        pass\nt = T([1.0])\nt + 1",
    "class T(torch.Tensor):\n    def __init__(self, *a):\n        pass\nT()",
    "class G(torch.Generator):\n    def __init__(self):\n        pass\ntorch.rand(2, generator=G())",
    "class D(torch.device):\n    def __init__(self):\n        pass\nD()",
    "class D(torch.device):\n    def __init__(self):\n        pass\ntensor([1.0], device=D())",
    "class D(torch.dtype):\n    def __init__(self):\n        pass\nD()",
    "class D(torch.dtype):\n    def __init__(self):\n        pass\ntensor([1.0], dtype=D())",
    "class N(torch.no_grad):\n    def __enter__(self):\n        return 5\nwith N() as v:\n    v",
    "x = tensor([1.0], requires_grad=True)\ny = x * 2\ny.register_hook(lambda g: 'x')\ny.backward()",
]


@pytest.mark.parametrize("source", ENGINE_CALLBACK_MISTAKES)
def test_mistakes_in_engine_subclasses_and_callbacks_are_the_programs(source, jail):
    error = attempt(source, jail)
    assert error.message, source




def test_the_number_of_attempts():
    # The report counts them; keep the suite from shrinking unnoticed.
    total = (len(CASES) + len(LINK_ATTEMPTS) + len(NO_FILES_ATTEMPTS) + len(PROCESS_ATTEMPTS)
             + len(INTERRUPT_ATTEMPTS) + len(EXIT_ATTEMPTS) + len(RAISED_INTERRUPT_ATTEMPTS)
             + len(SWALLOWING_ATTEMPTS) + len(LIMIT_ATTEMPTS) + len(ENGINE_CALLBACK_MISTAKES)
             + len(TORCH_SURFACE_ATTEMPTS))
    assert total >= 840


@pytest.mark.parametrize("sequence", ["'a'", "[0]"])
def test_a_repetition_reads_its_count_once(sequence):
    # An __index__ that answers 1 to the check and 10**9 to the operation gets what it said first.
    shown = []
    Session().run("class N:\n    def __init__(self):\n        self.calls = 0\n    def __index__(self):\n"
                  "        self.calls += 1\n        return 1 if self.calls == 1 else 10**9\n"
                  f"n = N()\nlen({sequence} * n), n.calls", "<t>", shown.append)
    assert shown == [(1, 1)]


def test_an_exception_whose_str_fails_is_shown_as_python_shows_it():
    with pytest.raises(TensorshError) as info:
        Session().run("class E(Exception):\n    def __str__(self):\n        return 1\nraise E()", "<t>")
    assert (info.value.kind, info.value.message) == ("E", "<exception str() failed>")
    assert not info.value.internal and info.value.span.line == 4


def test_a_mapping_unpacked_into_a_call_is_read_once():
    # keys() answers 'a' when checked and '_x' when read again: the call gets the checked copy.
    shown = []
    Session().run("class K:\n    def __init__(self):\n        self.n = 0\n    def keys(self):\n        self.n += 1\n"
                  "        return ['a'] if self.n == 1 else ['_x']\n    def __getitem__(self, k):\n        return 1\n"
                  "def f(**kw):\n    return kw\nf(**K())", "<t>", shown.append)
    assert shown == [{"a": 1}]
