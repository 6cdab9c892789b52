"""Which registered ops the golden corpus exercises: replay it with every op counted.

Every form of an op (the attributes of `torch`, `torch.Tensor`, `torch.nn.functional`
and `torch.linalg` that are its function, or a generated function wrapping it, such as
`Tensor.add_` or `Tensor.__radd__`) is replaced by a counting wrapper for the replay.
For each op we collect the cases that called it from case code, the grad_fn names its
results show (an in-place op that returns nothing, `t[i] = v`, shows its target's), and
which of those nodes ran their backward. Nodes an op makes elsewhere (the CopySlices an
in-place write on a view gives its base) are the view history's, not the op's grad_fn. Only cases whose output equals PyTorch's
recording count.

Usage: .venv/bin/python -m tests.golden.coverage   (prints what is not covered)
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import re
import sys
import weakref

from . import runner
from .test_golden_engine import _engine_modules
from .triage import classify


@dataclasses.dataclass
class Usage:
    """What the passing golden cases did with one op."""

    calls: set[str] = dataclasses.field(default_factory=set)  # ids of cases calling it from case code
    # grad_fn name -> ids of cases where the op created such a node / where its backward ran
    grad_fns: dict[str, set[str]] = dataclasses.field(default_factory=lambda: collections.defaultdict(set))
    backward: dict[str, set[str]] = dataclasses.field(default_factory=lambda: collections.defaultdict(set))


def op_forms(engine, ops) -> list[tuple[object, str, str]]:
    """(namespace, attribute, op name) for every attribute that reaches a registered op."""
    op_of = {id(entry.fn): name for name, entry in ops.items()}
    forms = []
    for owner in (engine, engine.Tensor, engine.nn.functional, engine.linalg):
        for attr, value in list(vars(owner).items()):
            # A generated form may wrap another (a reflected operator wrapping the operator form).
            for _ in range(5):
                if value is None or id(value) in op_of:
                    break
                value = getattr(value, "__wrapped__", None)
            if value is not None and id(value) in op_of:
                forms.append((owner, attr, op_of[id(value)]))
    return forms


class _Recorder:
    """The counting state of one replay: the ops running now, and what the current case did."""

    def __init__(self):
        self.active: list[tuple[str, bool]] = []  # (op name, called from case code), outermost first
        self.calls: set[str] = set()
        self.grad_fns: set[tuple[str, str]] = set()  # (op, grad_fn name) of the nodes created
        # Weak: holding the nodes would keep their saved tensors alive and change what the engine sees.
        self.made_by: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # node -> (op, grad_fn name)
        self.backward: set[tuple[str, str]] = set()

    def counting(self, original, op_name):
        @functools.wraps(original)
        def counted(*args, **kwargs):
            # Case code runs as code compiled from "<case>" (runner.py); calls made by the
            # engine itself (inside another op, or by autograd while it runs a backward) do not count.
            from_case = not self.active and sys._getframe(1).f_code.co_filename == "<case>"
            if from_case:
                self.calls.add(op_name)
            # An op may hand back its input as it is (`x.float()` of a float tensor): the
            # grad_fn it shows then is the input's, not its own.
            before = _grad_fn(args[0]) if from_case and args else None
            self.active.append((op_name, from_case))
            try:
                result = original(*args, **kwargs)
            finally:
                self.active.pop()
            if from_case:
                # `t[i] = v` returns nothing: what it recorded is on its target.
                self.shown(op_name, args[0] if result is None and op_name == "setitem" else result, before)
            return result

        return counted

    def shown(self, op_name, result, before):
        for t in result if isinstance(result, (tuple, list)) else (result,):
            node = _grad_fn(t)
            if node is not None and node is not before and node.name() not in VIEW_HISTORY:
                made = self.made_by[node] = (op_name, node.name())
                self.grad_fns.add(made)

    def backward_ran(self, node):
        made = self.made_by.get(node)
        if made is not None:
            self.backward.add(made)


def _grad_fn(t):
    return t.grad_fn if type(t).__name__ == "Tensor" else None


# After an in-place write through a view, the view shows its base's new history (views.py),
# whichever op wrote: these names belong to no op.
VIEW_HISTORY = frozenset({"AsStridedBackward0"})


def _reset_engine(engine):
    # What test_golden_engine's engine_defaults fixture does before every case.
    engine.set_printoptions(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)
    engine.set_grad_enabled(True)
    engine.set_default_dtype(engine.float32)


def replay(recorded: dict[str, dict] | None = None) -> dict[str, Usage]:
    """Replay the recorded corpus through tensorsh.engine; the usage of every op in OPS."""
    from tensorsh import engine
    from tensorsh.engine import autograd
    from tensorsh.engine.ops.registry import OPS

    recorded = runner.load_recorded() if recorded is None else recorded
    modules = _engine_modules()
    usage = {name: Usage() for name in OPS}
    rec = _Recorder()
    input_grads = autograd.Node.input_grads

    def counted_input_grads(node, g):
        rec.backward_ran(node)
        return input_grads(node, g)

    patched = [(owner, attr, vars(owner)[attr], op) for owner, attr, op in op_forms(engine, OPS)]
    try:
        for owner, attr, original, op in patched:
            setattr(owner, attr, rec.counting(original, op))
        autograd.Node.input_grads = counted_input_grads
        for topic, recording in recorded.items():
            for case in recording["cases"]:
                rec.calls, rec.grad_fns, rec.made_by, rec.backward = set(), set(), weakref.WeakKeyDictionary(), set()
                _reset_engine(engine)
                try:
                    outcome = runner.run_case(case["source"], modules)
                except Exception as exc:  # the harness's own reset failed: the case fails
                    outcome = runner.Outcome("", {"type": type(exc).__name__, "message": str(exc)})
                if classify(case, outcome) is not None:
                    continue
                case_id = f"{topic}::{case['name']}"
                for op in rec.calls:
                    usage[op].calls.add(case_id)
                for op, grad_fn in rec.grad_fns:
                    usage[op].grad_fns[grad_fn].add(case_id)
                for op, grad_fn in rec.backward:
                    usage[op].backward[grad_fn].add(case_id)
    finally:
        autograd.Node.input_grads = input_grads
        for owner, attr, original, _ in patched:
            setattr(owner, attr, original)
        _reset_engine(engine)
    return usage


def shows(stdout: str, grad_fn: str) -> bool:
    """Whether printed output names this grad_fn (`grad_fn=<AddBackward0>`, or `.name()` printed)."""
    return re.search(rf"\b{re.escape(grad_fn)}\b", stdout) is not None


def without_forward(usage: dict[str, Usage]) -> list[str]:
    """Ops no passing case calls, sorted."""
    return sorted(op for op, u in usage.items() if not u.calls)


def without_gradient(usage: dict[str, Usage], recorded: dict[str, dict], ops) -> list[str]:
    """Differentiable ops without a passing case that runs the backward of a node they
    created and whose PyTorch output shows that node's grad_fn, sorted."""
    stdout = {f"{topic}::{c['name']}": c["stdout"] for topic, r in recorded.items() for c in r["cases"]}
    return sorted(
        op for op, u in usage.items()
        if ops[op].differentiable and not any(
            shows(stdout[case_id], grad_fn) for grad_fn, case_ids in u.backward.items() for case_id in case_ids)
    )


def main() -> int:
    from tensorsh.engine.ops.registry import OPS

    recorded = runner.load_recorded()
    usage = replay(recorded)
    no_forward, no_gradient = without_forward(usage), without_gradient(usage, recorded, OPS)
    by_family = collections.defaultdict(list)
    for op in no_forward:
        by_family[OPS[op].family].append(op)
    print(f"{len(no_forward)}/{len(OPS)} ops without a golden forward case")
    for family, ops in sorted(by_family.items()):
        print(f"  {family}: {', '.join(ops)}")
    print(f"{len(no_gradient)}/{sum(e.differentiable for e in OPS.values())} differentiable ops "
          f"without a golden gradient case: {', '.join(no_gradient)}")
    return 1 if no_forward or no_gradient else 0


if __name__ == "__main__":
    sys.exit(main())
