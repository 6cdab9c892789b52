"""The engine's internals stay the engine's: what a program reaches of the autograd graph is
PyTorch's public API, which behaves as PyTorch's (checked against torch 2.13), and a wrong
argument there is a user's error with PyTorch's message, never an internal one.

The escape attempts themselves (reading a grad_fn's closures or saved tensors, building a node)
are in test_sandbox.py; here is what a program may do instead."""

from __future__ import annotations

import pytest

from tensorsh.engine import autograd
from tensorsh.lang import namespace
from tensorsh.lang.session import Session
from tests.reliability.harness import located_error as error_of


def run(source: str) -> list[str]:
    shown: list[str] = []
    Session().run(source, "<t>", lambda value: shown.append(repr(value)))
    return shown


GRAPH = "x = tensor([1.0, 2.0], requires_grad=True)\nw = tensor(3.0)\ny = x * w\nz = (y * y).sum()\n"


def test_a_grad_fn_shows_pytorchs_node_api_only():
    assert run(GRAPH + "dir(y.grad_fn)\ndir(y.grad_fn.next_functions[0][0])") == [
        "['metadata', 'name', 'next_functions', 'register_hook', 'register_prehook']",
        "['metadata', 'name', 'next_functions', 'register_hook', 'register_prehook', 'variable']",
    ]
    assert run(GRAPH + "y.grad_fn.name(), y.grad_fn.next_functions[1], y.grad_fn.next_functions[0][0].variable is x")\
        == ["('MulBackward0', (None, 0), True)"]
    # The engine's own attributes are still there for the engine (and golden/coverage.py's patch).
    session = Session()
    session.run(GRAPH, "<t>")
    node = session.variables["y"].grad_fn
    assert callable(node.input_grads) and node.saved[0][0] is session.variables["w"]


def test_metadata_is_one_dict_per_node():
    assert run(GRAPH + "g = y.grad_fn\ng.metadata['step'] = 1\ny.grad_fn.metadata, g.metadata is g.metadata")\
        == ["({'step': 1}, True)"]


def test_torch_autograd_shows_pytorchs_names_only():
    assert run("dir(torch.autograd)") == [
        "['Function', 'Variable', 'backward', 'enable_grad', 'functional', 'grad', 'inference_mode', "
        "'is_grad_enabled', 'no_grad', 'set_grad_enabled']"]


def test_a_node_class_is_neither_constructible_nor_an_engine_class():
    assert not namespace.is_engine_class(autograd.Node)
    assert not namespace.is_engine_class(autograd.AccumulateGrad)
    # Each op's nodes have their own class, as in torch 2.13: MulBackward0 is not SumBackward0.
    assert run(GRAPH + "isinstance(y.grad_fn, type(z.grad_fn))\nisinstance(y.grad_fn, type((x * w).grad_fn))") \
        == ["False", "True"]
    assert error_of(GRAPH + "type(y.grad_fn)('MulBackward0', None, [])").kind == "TypeError"


def test_node_hooks_see_what_pytorchs_see_in_pytorchs_order():
    # torch 2.13: pre (6, 12); post ((18, 36), None) after (6, 12); then the leaf's accumulator.
    shown = run(GRAPH + "log = []\n"
                "h1 = y.grad_fn.register_hook(lambda gi, go: log.append(('post', gi, go)))\n"
                "h2 = y.grad_fn.register_prehook(lambda go: log.append(('pre', go)))\n"
                "acc = y.grad_fn.next_functions[0][0]\n"
                "h3 = acc.register_hook(lambda gi, go: log.append(('acc post', gi, go)))\n"
                "h4 = acc.register_prehook(lambda go: log.append(('acc pre', go)))\n"
                "z.backward(retain_graph=True)\nlog\nx.grad\nlog.clear()\n"
                "torch.autograd.grad(z, x)\nlog")
    assert shown == [
        "[('pre', (tensor([ 6., 12.]),)), ('post', (tensor([18., 36.]), None), (tensor([ 6., 12.]),)), "
        "('acc pre', (tensor([18., 36.]),)), ('acc post', (), (tensor([18., 36.]),))]",
        "tensor([18., 36.])",
        "(tensor([18., 36.]),)",
        # grad() runs no AccumulateGrad, as PyTorch's
        "[('pre', (tensor([ 6., 12.]),)), ('post', (tensor([18., 36.]), None), (tensor([ 6., 12.]),))]",
    ]


def test_node_hooks_replace_gradients_and_can_be_removed():
    shown = run(GRAPH + "h = y.grad_fn.register_prehook(lambda go: (go[0] * 10,))\n"
                "z.backward(retain_graph=True)\nx.grad\n"
                "torch.autograd.grad(z, y, retain_graph=True)\n"  # captured before the node's prehooks
                "h2 = y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1, None))\n"
                "x.grad = None\nz.backward(retain_graph=True)\nx.grad\n"
                "h.remove()\nx.grad = None\nz.backward()\nx.grad")
    assert shown == ["tensor([180., 360.])", "(tensor([ 6., 12.]),)", "tensor([181., 361.])", "tensor([19., 37.])"]


@pytest.mark.parametrize("hook, kind, message", [
    # torch 2.13's errors for the same hooks on (a * 2).grad_fn
    ("register_prehook(lambda go: go[0])", "TypeError", "expected tuple, but hook returned 'Tensor'"),
    ("register_prehook(lambda go: (1,))", "TypeError", "expected Variable, but hook returned 'int'"),
    ("register_prehook(lambda go: (go[0], go[0]))", "RuntimeError",
     "hook '<lambda>' has returned an incorrect number of values (got 2, but expected 1)"),
    ("register_prehook(lambda go: (ones(3),))", "RuntimeError", "hook '<lambda>' has changed the size of value"),
    ("register_prehook(lambda go: (go[0].double(),))", "RuntimeError",
     "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"),
    ("register_hook(lambda gi, go: [gi[0]])", "TypeError", "expected tuple, but hook returned 'list'"),
    ("register_hook(lambda gi, go: (gi[0], gi[0]))", "RuntimeError",
     "can't replace a None gradient with a non-None value"),
    ("register_hook(lambda gi, go: (1, None))", "TypeError", "expected Variable, but hook returned 'int'"),
])
def test_a_hook_returning_the_wrong_thing_gets_pytorchs_error(hook, kind, message):
    error = error_of(f"a = tensor([1.0, 2.0], requires_grad=True)\nb = a * 2\nh = b.grad_fn.{hook}\nb.sum().backward()")
    assert (error.kind, error.message) == (kind, message)


def test_a_hook_returning_none_entries_drops_the_gradient():
    assert run("a = tensor([1.0, 2.0], requires_grad=True)\nb = a * 2\n"
               "h = b.grad_fn.register_prehook(lambda go: (None,))\nb.sum().backward()\na.grad is None") == ["True"]


@pytest.mark.parametrize("call, got", [
    ("torch.autograd.grad([(x * 2).sum()], [relu])", "function"),
    ("torch.autograd.grad([(x * 2).sum()], [x, 'a'])", "str"),
    ("grad((x * 2).sum(), [x, None])", "NoneType"),
    ("(x * 2).sum().backward(inputs=[relu])", "function"),
])
def test_grad_of_something_not_a_tensor_is_pytorchs_error(call, got):
    error = error_of(f"x = tensor([1.0, 2.0], requires_grad=True)\n{call}")
    assert (error.kind, error.message) == ("RuntimeError", f"all inputs have to be Tensors or GradientEdges, but got {got}")


def test_grad_of_an_output_not_a_tensor_is_pytorchs_error():
    error = error_of("x = tensor([1.0], requires_grad=True)\ntorch.autograd.grad([relu], [x])")
    assert error.message == "Expected output to be a torch.Tensor"
