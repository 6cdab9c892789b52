"""The arguments every op takes the same way: out= (registry `out` kinds) and NumPy's names.

What PyTorch prints or raises is in the golden topics out_argument and numpy_names; these
check what the goldens cannot see: warnings on stderr, the help signature, and the refusals
that are tensorsh's own."""

import pytest

from tensorsh import engine as torch
from tensorsh.engine.ops.registry import OPS


def test_arange_warns_when_it_resizes_a_non_empty_out(capsys):
    c = torch.ones(2, 2)
    torch.arange(3, out=c)
    err = capsys.readouterr().err
    assert err.startswith("UserWarning: The number of elements in the out tensor of shape [2, 2] is 4 which does "
                          "not match the computed number of elements 3.")
    assert err.rstrip().endswith("The out tensor will be resized to a tensor of shape (3,).")
    torch.arange(3, out=torch.empty(0))
    torch.zeros(5, out=c)  # other factories resize silently, as PyTorch's do
    assert capsys.readouterr().err == ""


def test_out_view_that_would_need_resizing_is_refused_clearly():
    base = torch.zeros(5)
    with pytest.raises(RuntimeError, match="cannot resize a view"):
        torch.ones(3, out=base[1:3])


def test_out_shows_in_the_help_signature():
    assert OPS["zeros"].signature.endswith("requires_grad=False, out=None)")
    assert OPS["rand"].signature.endswith("out=None, **kwargs)")
    assert "out" not in OPS["sum"].signature


def test_every_form_called_by_name_takes_numpy_names():
    a = torch.arange(6.0).reshape(2, 3)
    assert torch.sum(a, axis=0).tolist() == [3.0, 5.0, 7.0]
    assert a.sum(axis=1, keepdims=True).shape == (2, 1)
    assert torch.linalg.vector_norm(a, axis=1).shape == (2,)
    assert a.cumsum_(axis=1).tolist() == [[0.0, 1.0, 3.0], [3.0, 7.0, 12.0]]
    with pytest.raises(TypeError, match="unexpected keyword argument 'axis'"):
        torch.nn.functional.softmax(a, axis=0)  # a Python function in PyTorch


def test_cross_without_dim_warns_once(capsys):
    a = torch.ones(2, 3)
    torch.cross(a, a)
    torch.cross(a, a)
    err = capsys.readouterr().err
    assert err.count("Using torch.cross without specifying the dim arg is deprecated.") <= 1


def test_set_default_device_refuses_other_devices():
    torch.set_default_device("cpu")
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.set_default_device("cuda")
    assert str(torch.get_default_device()) == "cpu"


def test_called_forms_keep_pythons_argument_errors():
    a = torch.ones(2)
    with pytest.raises(TypeError, match=r"add\(\) missing 1 required positional argument: 'input'"):
        torch.add(other=a)
    with pytest.raises(TypeError, match=r"gather\(\) missing 1 required positional argument: 'index'"):
        torch.gather(a, axis=0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'x'"):
        torch.add(a, x=a)  # input given twice
    with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
        torch.sum(a, bogus=1)


def test_called_forms_show_the_ops_signature():
    import inspect

    assert str(inspect.signature(torch.sum)) == "(input, dim=None, keepdim=False, *, dtype=None)"
    assert str(inspect.signature(torch.add)) == "(input, other, *, alpha=1, out=None)"
    assert torch.sum.__module__ == "tensorsh.engine.ops.reduction"


def test_methods_take_no_numpy_name_for_their_tensor():
    a = torch.ones(2)
    with pytest.raises(TypeError):
        a.sin(x=a)
    assert torch.sin(x=a).tolist() == torch.sin(a).tolist()
