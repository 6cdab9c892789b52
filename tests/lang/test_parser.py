"""The parser: every grammar rule and alias, checked as the AST it must build.

Expected trees are written out by hand from the grammar's meaning (Python's, for this
subset); spans are compared separately where they matter.
"""

from __future__ import annotations

import pytest

from tensorsh.lang import ast as A
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.parser import parse


def N(name):
    return A.Name(name)


def C(value):
    return A.Constant(value)


def E(value, silent=False):
    return A.ExprStmt(value, silent)


def one(source):
    """The single statement a one-statement program parses to."""
    module = parse(source)
    assert len(module.body) == 1, module.body
    return module.body[0]


def expr(source):
    statement = one(source)
    assert isinstance(statement, A.ExprStmt)
    return statement.value


# ---------------------------------------------------------------- literals and atoms

@pytest.mark.parametrize("source,value", [
    ("1", 1), ("0", 0), ("1_000", 1000), ("0x1F", 31), ("0o17", 15), ("0b101", 5),
    ("1.5", 1.5), ("1e-3", 0.001), ("2.", 2.0), (".5", 0.5), ("1_0.5e1_0", 10.5e10), ("3j", 3j),
    ("1.5J", 1.5j), ("'a'", "a"), ('"b"', "b"), ("'a' 'b'", "ab"), ("'''x\ny'''", "x\ny"),
    ('"tab\\there"', "tab\there"), ("r'\\n'", "\\n"), ("'\\x41\\u00e9'", "Aé"), ("'it\\'s'", "it's"),
    ("None", None), ("True", True), ("False", False), ("...", Ellipsis),
])
def test_constants(source, value):
    node = expr(source)
    assert node == C(value) and type(node.value) is type(value)


def test_name():
    assert expr("softmax") == N("softmax")
    assert expr("_private") == N("_private")  # parses; the evaluator decides what exists


def test_tuple_and_list_displays():
    assert expr("()") == A.Tuple(())
    assert expr("(1,)") == A.Tuple((C(1),))
    assert expr("(1, 2)") == A.Tuple((C(1), C(2)))
    assert expr("(1, 2,)") == A.Tuple((C(1), C(2)))
    assert expr("1, 2") == A.Tuple((C(1), C(2)))
    assert expr("1,") == A.Tuple((C(1),))
    assert expr("[]") == A.List(())
    assert expr("[1]") == A.List((C(1),))
    assert expr("[1, [2, 3],]") == A.List((C(1), A.List((C(2), C(3)))))


def test_paren_keeps_the_inner_node_and_widens_its_span():
    node = expr("(a + b)")
    assert node == A.BinOp(N("a"), "+", N("b"))
    assert (node.span.column, node.span.end_column) == (1, 8)


# ---------------------------------------------------------------- operators

@pytest.mark.parametrize("op", ["+", "-", "*", "/", "//", "%", "**", "@", "&", "|", "^", "<<", ">>"])
def test_bin_op(op):
    assert expr(f"a {op} b") == A.BinOp(N("a"), op, N("b"))


@pytest.mark.parametrize("source,tree", [
    # Python's precedence, from loosest to tightest
    ("a | b ^ c & d", A.BinOp(N("a"), "|", A.BinOp(N("b"), "^", A.BinOp(N("c"), "&", N("d"))))),
    ("a & b << c", A.BinOp(N("a"), "&", A.BinOp(N("b"), "<<", N("c")))),
    ("a << b + c", A.BinOp(N("a"), "<<", A.BinOp(N("b"), "+", N("c")))),
    ("a + b * c", A.BinOp(N("a"), "+", A.BinOp(N("b"), "*", N("c")))),
    ("a - b - c", A.BinOp(A.BinOp(N("a"), "-", N("b")), "-", N("c"))),
    ("a @ b @ c", A.BinOp(A.BinOp(N("a"), "@", N("b")), "@", N("c"))),
    ("a ** b ** c", A.BinOp(N("a"), "**", A.BinOp(N("b"), "**", N("c")))),
    ("-a ** 2", A.UnaryOp("-", A.BinOp(N("a"), "**", C(2)))),
    ("2 ** -1", A.BinOp(C(2), "**", A.UnaryOp("-", C(1)))),
    ("-a * b", A.BinOp(A.UnaryOp("-", N("a")), "*", N("b"))),
    ("~a + +b", A.BinOp(A.UnaryOp("~", N("a")), "+", A.UnaryOp("+", N("b")))),
    ("3*a**3 - b**2", A.BinOp(A.BinOp(C(3), "*", A.BinOp(N("a"), "**", C(3))), "-",
                              A.BinOp(N("b"), "**", C(2)))),
])
def test_precedence(source, tree):
    assert expr(source) == tree


@pytest.mark.parametrize("op", ["<", ">", "==", ">=", "<=", "!=", "in", "not in", "is", "is not"])
def test_compare(op):
    assert expr(f"a {op} b") == A.Compare(N("a"), (op,), (N("b"),))


def test_chained_compare():
    assert expr("a < b <= c") == A.Compare(N("a"), ("<", "<="), (N("b"), N("c")))


def test_bool_ops_and_not():
    assert expr("a or b and not c") == A.BoolOp(
        N("a"), "or", A.BoolOp(N("b"), "and", A.UnaryOp("not", N("c"))))
    assert expr("not a == b") == A.UnaryOp("not", A.Compare(N("a"), ("==",), (N("b"),)))
    assert expr("a and b and c") == A.BoolOp(A.BoolOp(N("a"), "and", N("b")), "and", N("c"))


def test_if_exp():
    assert expr("a if c else b") == A.IfExp(N("a"), N("c"), N("b"))
    assert expr("a if c else b if d else e") == A.IfExp(N("a"), N("c"), A.IfExp(N("b"), N("d"), N("e")))


def test_lambda_expr():
    assert expr("lambda: 1") == A.LambdaExpr((), C(1))
    assert expr("lambda x, y=1: x + y") == A.LambdaExpr(
        (A.Param("x", None), A.Param("y", C(1))), A.BinOp(N("x"), "+", N("y")))
    assert expr("lambda x,: x") == A.LambdaExpr((A.Param("x", None),), N("x"))


# ---------------------------------------------------------------- calls, attributes, subscripts

def test_call():
    assert expr("f()") == A.Call(N("f"), (), ())
    assert expr("f(x, dim=0)") == A.Call(N("f"), (N("x"),), (A.Keyword("dim", C(0)),))
    assert expr("f(*a, b,)") == A.Call(N("f"), (A.Starred(N("a")), N("b")), ())
    assert expr("f(x, *rest, k=1)") == A.Call(N("f"), (N("x"), A.Starred(N("rest"))), (A.Keyword("k", C(1)),))
    assert expr("f(a)(b)") == A.Call(A.Call(N("f"), (N("a"),), ()), (N("b"),), ())


def test_attribute_and_method_call():
    assert expr("t.shape") == A.Attribute(N("t"), "shape")
    assert expr("torch.nn.functional.one_hot(y)") == A.Call(
        A.Attribute(A.Attribute(A.Attribute(N("torch"), "nn"), "functional"), "one_hot"), (N("y"),), ())
    node = expr("t2.shape")
    assert (node.attr_span.column, node.attr_span.end_column) == (4, 9)


@pytest.mark.parametrize("source,index", [
    ("t[0]", C(0)),
    ("t[-1]", A.UnaryOp("-", C(1))),
    ("t[1:]", A.Slice(C(1), None, None)),
    ("t[:1]", A.Slice(None, C(1), None)),
    ("t[:]", A.Slice(None, None, None)),
    ("t[::]", A.Slice(None, None, None)),
    ("t[::2]", A.Slice(None, None, C(2))),
    ("t[1:5:-1]", A.Slice(C(1), C(5), A.UnaryOp("-", C(1)))),
    ("t[1:2, 2:]", A.Tuple((A.Slice(C(1), C(2), None), A.Slice(C(2), None, None)))),
    ("t[..., None]", A.Tuple((C(Ellipsis), C(None)))),
    ("t[0,]", A.Tuple((C(0),))),
    ("t[[0, 2]]", A.List((C(0), C(2)))),
    ("t[m > 0]", A.Compare(N("m"), (">",), (C(0),))),
    ("t[(0, 1)]", A.Tuple((C(0), C(1)))),
])
def test_subscript(source, index):
    assert expr(source) == A.Subscript(N("t"), index)


# ---------------------------------------------------------------- statements

def test_module_of_newlines_semicolons_and_comments():
    module = parse("# heading\n\na = 1; b = 2  # trailing\n\nc\n")
    assert module.body == (A.Assign((N("a"),), C(1)), A.Assign((N("b"),), C(2)), E(N("c")))
    assert parse("").body == ()
    assert parse("# only a comment").body == ()
    assert parse("x").body == (E(N("x")),)  # no final newline needed


def test_trailing_semicolon_silences_the_last_statement_of_its_line():
    assert parse("a; b;").body == (E(N("a")), E(N("b"), silent=True))
    assert parse("a;\nb").body == (E(N("a"), silent=True), E(N("b")))


def test_continuation_inside_brackets_and_after_backslash():
    assert parse("f(1,\n  2)\n").body == (E(A.Call(N("f"), (C(1), C(2)), ())),)
    assert parse("[1,\n\n 2]").body == (E(A.List((C(1), C(2)))),)
    assert parse("x = 1 + \\\n    2").body == (A.Assign((N("x"),), A.BinOp(C(1), "+", C(2))),)


def test_assign():
    assert one("x = 1") == A.Assign((N("x"),), C(1))
    assert one("a = b = 0") == A.Assign((N("a"), N("b")), C(0))
    assert one("a, b = b, a") == A.Assign((A.Tuple((N("a"), N("b"))),), A.Tuple((N("b"), N("a"))))
    assert one("[a, (b, c)] = v") == A.Assign((A.List((N("a"), A.Tuple((N("b"), N("c"))))),), N("v"))
    assert one("x[0, 1:] = 5") == A.Assign(
        (A.Subscript(N("x"), A.Tuple((C(0), A.Slice(C(1), None, None)))),), C(5))
    assert one("w.grad = None") == A.Assign((A.Attribute(N("w"), "grad"),), C(None))


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", "&=", "|=", "^=",
                                "<<=", ">>="])
def test_aug_assign(op):
    assert one(f"x {op} y") == A.AugAssign(N("x"), op, N("y"))


def test_aug_assign_to_subscript_and_attribute():
    assert one("x[0] += 1") == A.AugAssign(A.Subscript(N("x"), C(0)), "+=", C(1))
    assert one("w.grad *= 0") == A.AugAssign(A.Attribute(N("w"), "grad"), "*=", C(0))


def test_pass_stmt():
    assert one("pass") == A.PassStmt()


def test_imports():
    assert one("import torch") == A.ImportStmt((A.Alias("torch", None),))
    assert one("import numpy as np") == A.ImportStmt((A.Alias("numpy", "np"),))
    assert one("import torch.nn.functional as F, torch") == A.ImportStmt(
        (A.Alias("torch.nn.functional", "F"), A.Alias("torch", None)))
    assert one("from torch import nn") == A.FromImport("torch", (A.Alias("nn", None),))
    assert one("from torch.autograd import grad as g, backward") == A.FromImport(
        "torch.autograd", (A.Alias("grad", "g"), A.Alias("backward", None)))
    assert one("from torch import (nn,\n  tensor,)") == A.FromImport(
        "torch", (A.Alias("nn", None), A.Alias("tensor", None)))
    assert one("from torch import *") == A.FromImport("torch", ())


def test_if_stmt_with_elif_and_else():
    tree = one("if a:\n    x = 1\nelif b:\n    x = 2\nelse:\n    x = 3\n")
    assert tree == A.IfStmt(N("a"), (A.Assign((N("x"),), C(1)),), (
        A.IfStmt(N("b"), (A.Assign((N("x"),), C(2)),), (A.Assign((N("x"),), C(3)),)),))
    assert one("if a: b; c") == A.IfStmt(N("a"), (E(N("b")), E(N("c"))), ())


def test_the_notebook_cuda_cell():
    module = parse("x_data = t2\n\nif torch.cuda.is_available():\n    x_data_cuda = x_data.to('cuda')\n\n"
                   "x_data.device\n")
    assert [type(s) for s in module.body] == [A.Assign, A.IfStmt, A.ExprStmt]


def test_for_stmt():
    assert one("for i in range(3):\n    s += i\n") == A.ForStmt(
        N("i"), A.Call(N("range"), (C(3),), ()), (A.AugAssign(N("s"), "+=", N("i")),))
    assert one("for a, b in pairs: pass") == A.ForStmt(A.Tuple((N("a"), N("b"))), N("pairs"), (A.PassStmt(),))


def test_with_stmt():
    assert one("with torch.no_grad():\n    y = x * 2\n") == A.WithStmt(
        A.Call(A.Attribute(N("torch"), "no_grad"), (), ()), None, (A.Assign((N("y"),), A.BinOp(N("x"), "*", C(2))),))
    assert one("with m as g: pass") == A.WithStmt(N("m"), "g", (A.PassStmt(),))


# ---------------------------------------------------------------- spans

def test_spans_are_one_based_with_exclusive_ends():
    module = parse("a = 1\nt1.dot(t2)\n")
    call = module.body[1].value
    assert call.span == A.Span(2, 1, 2, 11)
    assert call.func.span == A.Span(2, 1, 2, 7)
    assert call.args[0].span == A.Span(2, 8, 2, 10)


def test_rule_names_match_class_names():
    assert A.BinOp.rule() == "bin_op"
    assert A.ExprStmt.rule() == "expr_stmt"
    assert A.LambdaExpr.rule() == "lambda_expr"
    assert A.IfExp.rule() == "if_exp"


# ---------------------------------------------------------------- what the parser refuses

@pytest.mark.parametrize("source,message", [
    ("x = = 1", "unexpected '='; expected an expression"),
    ("1 +", "unexpected end of input; expected an expression"),
    ("t1.dot(t2", "'(' was never closed"),
    ("a )", "unmatched ')'"),
    ("x = $", "unexpected character '$'"),
    ("'abc", "unterminated string literal"),
    ("x.", "unexpected end of input; expected a name"),
    ("a b", "unexpected name 'b'; expected an operator, end of line, ',' or '='"),
    ("f(a=1, 2)", "positional argument follows keyword argument"),
    ("f(a=1, a=2)", "keyword argument repeated: a"),
    ("f(x+1=2)", "expression cannot be used as a keyword argument; did you mean '=='?"),
    ("1 = x", "cannot assign to this expression in an assignment"),
    ("a, b += 1", "cannot assign to this expression in an augmented assignment"),
    ("f() = 1", "cannot assign to this expression in an assignment"),
    ("lambda x, x: 1", "duplicate argument 'x' in lambda"),
    ("lambda x=1, y: 1", "parameter without a default follows parameter with a default"),
    ("def f(x): return x", "'def' is not part of the tensorsh language"),
    ("while True: pass", "'while' is not part of the tensorsh language"),
    ("{1: 2}", "dict and set displays are not part of tensorsh"),
    ("print(f'{x}')", "f-strings are not part of tensorsh"),
    ("[x * 2 for x in range(3)]", "comprehensions are not part of tensorsh"),
    ("b'raw'", "bytes literals are not part of tensorsh"),
    ("if x:\n    a\n  b\n", "unindent does not match any outer indentation level"),
    ("x = 1\n    y = 2\n", "unexpected indent"),
])
def test_syntax_errors(source, message):
    with pytest.raises(TensorshError) as info:
        parse(source, "bad.tsh")
    error = info.value
    assert (error.kind, error.message) == ("SyntaxError", message)
    assert error.filename == "bad.tsh" and error.source == source


@pytest.mark.parametrize("source,incomplete", [
    ("1 +", True), ("f(", True), ("x =", True), ("'''abc", True), ("if x:", True),
    ("1 2", False), ("a )", False), ("x = $", False),
])
def test_syntax_errors_know_whether_the_input_merely_stopped_early(source, incomplete):
    with pytest.raises(TensorshError) as info:
        parse(source)
    assert info.value.incomplete is incomplete


def test_a_syntax_error_anywhere_is_found_before_anything_runs():
    with pytest.raises(TensorshError) as info:
        parse("x = 1\nprint(x)\ny = (\n")
    assert info.value.span.line == 3


def test_an_integer_literal_past_pythons_digit_limit_is_a_syntax_error():
    with pytest.raises(TensorshError) as info:
        parse("x = " + "9" * 5000, "long.tsh")
    assert info.value.kind == "SyntaxError"
    assert info.value.message == "integer literal too long: more than 4300 digits"
    assert (info.value.span.line, info.value.span.column) == (1, 5)


def test_a_long_flat_sum_parses():
    module = parse("+".join(["1"] * 900), "sum.tsh")
    assert len(module.body) == 1
