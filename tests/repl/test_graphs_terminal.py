"""`:graph` and `:gradcheck` in a real pseudo-terminal (pexpect), on a small training loop."""

import json
import re

from tests.repl.test_terminal import lines, term  # noqa: F401 - term is a fixture, shared

TRAINING = [
    "torch.manual_seed(0)",
    "net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))",
    "opt = torch.optim.SGD(net.parameters(), lr=0.1)",
    "x = torch.randn(16, 4); y = x.sum(1, keepdim=True)",
    "for i in range(3): opt.zero_grad(); loss = F.mse_loss(net(x), y); loss.backward(); opt.step()",
]


def train(term):
    for line in TRAINING:
        term.run(line)


def test_graph_of_a_training_loops_loss(term):
    train(term)
    shown = lines(term.run(":graph loss"))
    assert shown[0] == "loss: tensor (), float32 · 12 nodes: 8 ops, 4 leaves"
    assert shown[1] == "MseLossBackward0  () · freed"
    assert "├── AccumulateGrad  net.2.bias (1,) requires_grad" in shown[3]
    assert any(line.endswith("AccumulateGrad  net.0.weight (8, 4) requires_grad") for line in shown)
    assert shown[-1].startswith("freed by an earlier backward(): another raises")
    term.run("loss = F.mse_loss(net(x), y)")
    shown = lines(term.run(":graph loss"))
    assert shown[1] == "MseLossBackward0  () · saves (16, 1), y: 128 bytes"
    # The mse input (16, 1) and the ReLU's output (16, 8), in float32: 576 bytes; the rest is the variables'.
    assert shown[-1] == "backward() frees 2 saved tensors, 576 bytes; net.2.weight, x and y stay (variables hold them)"
    assert "\x1b[1;36mMseLossBackward0" in term.raw  # rich colours the grad_fn names


def test_graph_in_json_is_one_parseable_line(term):
    term.run("w = torch.ones(3, requires_grad=True)")
    term.run(":format json")
    shown = term.run(":graph (w * 2).sum()")
    graph = json.loads("".join(shown.splitlines()))  # one line, wrapped by the terminal's width
    assert graph["grad_fn"]["name"] == "SumBackward0"
    assert graph["grad_fn"]["children"][0]["children"][0]["variable"] == "w"


def test_gradcheck_passes_and_fails(term):
    term.run("w = torch.tensor([0.3, -1.2, 2.0], requires_grad=True)")
    shown = lines(term.run(":gradcheck torch.sin, w"))
    assert re.fullmatch(r"input 0 w \(3,\) float64 \(a copy of its float32\): max abs error \d\.\de-\d\d ✓", shown[0])
    assert shown[1] == "passed: autograd agrees with finite differences (eps=1e-06, atol=1e-05, rtol=0.001)"
    shown = lines(term.run(":gradcheck lambda t: t.detach() * 2, w"))
    assert shown[0].endswith("max abs error 2.0e+00 ✗")
    assert shown[-1] == "failed for input 0: autograd and finite differences disagree (eps=1e-06, atol=1e-05, rtol=0.001)"


def test_help_has_both_commands(term):
    assert lines(term.run(":help :graph"))[:3] == [
        ":graph NAME", "  The autograd graph behind a tensor: grad_fn tree, shapes, leaves, what backward frees.",
        "  NAME may be any expression (`:graph loss`, `:graph model(x).sum()`). Leaves are named by"]
    assert lines(term.run(":help :gradcheck"))[:2] == [
        ":gradcheck f, inputs",
        "  Autograd against finite differences in float64: per input, the largest error, and a verdict."]
