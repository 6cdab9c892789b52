"""Completion as a pure function of the text before the cursor and a real language session."""

import os

import pytest

from tensorsh.engine.ops.registry import OPS
from tensorsh.lang import signatures
from tensorsh.lang import namespace
from tensorsh.lang.session import Session
from tensorsh.repl.commands import COMMANDS
from tensorsh.repl.completer import DTYPE_NAMES, Candidate, complete, complete_path, signature_at


@pytest.fixture(scope="module")
def session():
    s = Session()
    s.run("import torch.nn.functional as F2\n"
          "t2 = torch.rand(3, 5)\n"
          "n = np.arange(10)\n"
          "w = torch.tensor(2.0, requires_grad=True)\n"
          "size = 3")
    return s


def texts(text, session):
    return complete(text, session).texts


def test_names_in_scope_variables_first_then_builtins(session):
    found = texts("t", session)
    assert found[0] == "t2"
    assert "tensor" in found and "tanh" in found
    assert all(name.startswith("t") for name in found)


def test_name_candidates_replace_the_typed_prefix(session):
    result = complete("x = ten", session)
    assert result.start == 3
    assert "tensor" in result.texts


def test_keywords_are_names_too(session):
    assert "lambda" in texts("lam", session)
    assert "import" in texts("imp", session)


def test_attributes_of_a_tensor_from_its_type(session):
    found = texts("t2.", session)
    for attribute in ("shape", "view", "unsqueeze", "dtype", "sum", "requires_grad"):
        assert attribute in found
    assert set(found) == set(namespace.attribute_names(session.variables["t2"]))
    assert not any(name.startswith("_") for name in found)


def test_attributes_filtered_by_prefix(session):
    result = complete("t2.uns", session)
    assert result.start == 3
    assert result.texts == ["unsqueeze", "unsqueeze_"] or result.texts == ["unsqueeze"]


def test_in_place_variants_come_after_their_out_of_place_op(session):
    found = texts("t2.add", session)
    assert found.index("add") < found.index("add_")


def test_module_members_after_a_dotted_name(session):
    functional = session.builtins["F"]
    assert texts("F.", session) == sorted(functional.members, key=lambda n: (n.endswith("_"), n.lower()))
    assert texts("torch.nn.functional.", session) == texts("F.", session)
    assert texts("F2.", session) == texts("F.", session)  # an imported alias is a variable


def test_numpy_array_attributes_from_the_allow_list(session):
    found = texts("n.", session)
    assert "reshape" in found and "ndim" in found and "shape" in found
    assert "tofile" not in found  # not on the language's allow-list


def test_attribute_of_an_attribute_through_the_allow_list(session):
    assert "shape" in texts("t2.T.", session)


def test_no_completion_on_expressions_that_would_have_to_run(session):
    for text in ("t2.sum().", "f(x).", "t2[0].", "'abc'.", "(t2 + 1).", "1.", "x = 3."):
        assert texts(text, session) == [], text


def test_completion_never_calls_user_values():
    calls = []

    class Probe:
        @property
        def secret(self):
            calls.append("secret")
            return 1

    s = Session()
    s.variables["p"] = Probe()
    assert texts("p.", s) == []  # not an engine type: no attributes allowed
    assert texts("p.secret.", s) == []
    assert calls == []


def test_unknown_names_complete_nothing_after_a_dot(session):
    assert texts("nothing_here.", session) == []


def test_no_completion_in_comments_and_ordinary_strings(session):
    assert texts("# t2.", session) == []
    assert texts("print('t2.", session) == []


def test_keyword_arguments_inside_a_call(session):
    found = texts("torch.sum(t2, d", session)
    assert found[:2] == ["dim=", "dtype="]
    assert "keepdim=" not in found  # does not start with d


def test_keyword_arguments_of_a_method(session):
    found = texts("t2.sum(", session)
    assert found[:3] == ["dim=", "keepdim=", "dtype="]


def test_keyword_arguments_already_given_are_not_offered_again(session):
    found = texts("torch.sum(t2, dim=0, ", session)
    assert "dim=" not in found and "keepdim=" in found


def test_keyword_arguments_only_at_the_start_of_an_argument(session):
    assert "dim=" not in texts("torch.sum(t2 + d", session)


def test_keyword_candidates_show_their_defaults(session):
    item = next(c for c in complete("torch.sum(t2, k", session).items if c.text == "keepdim=")
    assert item.meta == "keepdim=False"


def test_dtype_names_first_after_dtype_equals(session):
    found = texts("torch.zeros(3, dtype=", session)
    assert found[: len(DTYPE_NAMES)] == list(DTYPE_NAMES)
    assert texts("torch.zeros(3, dtype=fl", session)[:3] == ["float32", "float64", "float16"]


def test_signature_meta_comes_from_the_op_registry(session):
    item = next(c for c in complete("torch.ze", session).items if c.text == "zeros")
    assert item.meta == signatures.shorten(OPS["zeros"].signature)  # a long one ends in …
    method = next(c for c in complete("t2.unsq", session).items if c.text == "unsqueeze")
    assert method.meta == "unsqueeze(dim)"  # the method form: the tensor itself is not an argument


def test_variable_meta_summarises_the_value(session):
    items = {c.text: c.meta for c in complete("", session).items}
    assert items["t2"] == "tensor (3, 5) float32"
    assert items["n"] == "ndarray (10,) int64"
    assert items["size"] == "int 3"
    assert items["F2"] == "module torch.nn.functional"


def test_signature_of_the_enclosing_call_for_the_toolbar(session):
    line = signature_at("torch.sum(t2, ", session)
    assert line.startswith("torch.sum(input, dim=None, keepdim=False, *, dtype=None)")
    assert OPS["sum"].doc.splitlines()[0] in line
    assert signature_at("t2.view(", session).startswith("t2.view(*shape)")
    assert signature_at("x = 1 + 2", session) is None
    assert signature_at("(1, 2", session) is None


def test_file_paths_inside_load(tmp_path, session):
    (tmp_path / "a.npy").write_bytes(b"")
    (tmp_path / "b.npz").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden.npy").write_bytes(b"")
    typed = str(tmp_path) + os.sep
    assert texts(f'load("{typed}', session) == ["a.npy", "b.npz", "sub/"]
    result = complete(f"x = torch.load('{typed}b", session)
    assert result.texts == ["b.npz"] and result.start == 1
    assert texts(f'save(t2, "{typed}s', session) == ["sub/"]
    assert texts(f'print("{typed}', session) == []


def test_complete_path_reports_directories_and_sizes(tmp_path):
    (tmp_path / "w.npy").write_bytes(b"x" * 2048)
    result = complete_path(str(tmp_path) + "/", (".npy",))
    assert [(c.text, c.meta) for c in result.items] == [("w.npy", "2.0 KB")]


def test_commands_complete_from_the_registry(session):
    found = texts(":", session)
    assert found == [":" + name for name in COMMANDS]
    assert texts(":he", session) == [":help"]
    assert complete(":he", session).start == 3


def test_command_arguments(tmp_path, session):
    assert texts(":format j", session) == ["json"]
    assert texts(":help t2.", session) == texts("t2.", session)
    assert "view" in texts(":help t2.v", session)
    assert "tensor" in texts(":help tens", session)
    (tmp_path / "prog.tsh").write_text("x = 1\n")
    (tmp_path / "data.npy").write_bytes(b"")
    assert texts(f":load {tmp_path}/", session) == ["prog.tsh"]
    assert "shape" in texts(":time t2.sh", session)
    for name in ("timeit", "stats", "hist", "show", "shape", "graph", "gradcheck"):  # they take program text
        assert "unsqueeze" in texts(f":{name} t2.uns", session), name


def test_in_place_variants_show_the_arguments_of_their_op(session):
    import inspect

    item = next(c for c in complete("t2.sub_", session).items if c.text == "sub_")
    parameters = list(inspect.signature(OPS["sub"].fn).parameters.values())[1:]
    assert item.meta == f"sub_{inspect.Signature(parameters)}"


def test_a_lambda_completes_with_its_parameters():
    s = Session()
    s.run("f = lambda x, y=1: x + y")
    assert complete("f", s).items[0] == Candidate("f", "f(x, y=1)")
    assert signature_at("f(", s) == "f(x, y=1)"
    assert texts("f(2, ", s)[:2] == ["x=", "y="]


@pytest.mark.parametrize("text, first", [
    ("torch.zeros(3, dtype=torch.f", ["float32", "float64", "float16", "float"]),
    ("x = torch.ones(2, dtype=torch.i", ["int64", "int32", "int16", "int8", "int"]),
    ("t2.to(dtype=torch.", ["float32", "float64", "float16", "int64"]),
])
def test_dtypes_first_after_dtype_equals_torch_dot(session, text, first):
    found = texts(text, session)
    assert found[:len(first)] == first
    assert "flatten" in found or "index_add" in found or "abs" in found  # the other members follow


def test_functions_keep_their_order_without_dtype_equals(session):
    assert texts("torch.f", session)[:3] == ["fix", "flatten", "flip"]
