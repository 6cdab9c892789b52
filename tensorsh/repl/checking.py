"""`:gradcheck f, inputs`: autograd's gradients against central finite differences, in float64.

As torch.autograd.gradcheck does, with its defaults (EPS, ATOL, RTOL): for every input that
is a floating tensor, the Jacobian of f's floating outputs by autograd (one backward per
output element) must agree with central differences (f at x + eps and x - eps, per input
element) within atol + rtol * |numerical|, element by element. The check runs on float64
copies that require grad, so the program's tensors stay as they were, and float32 rounding
does not swamp the differences.

f is the program's own function (or module, or a builtin), called as the program would
call it: an exception from it (or from a backward the program wrote) is reported as the
program's error, located in its source, and Ctrl-C stops the check. Finite differences
cost two calls of f per input element and autograd one backward per output element, hence
the caps MAX_CALLS and MAX_BACKWARDS.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Callable

import numpy as np

from tensorsh.lang import describe
from tensorsh.lang.errors import TensorshError
from tensorsh.lang.exits import ExitRequest
from tensorsh.repl import naming
from tensorsh.repl.commands import command
from tensorsh.repl.runner import INTERRUPTED, NOTHING, Context, evaluate

EPS, ATOL, RTOL = 1e-6, 1e-5, 1e-3  # torch.autograd.gradcheck's defaults
MAX_CALLS = 2000  # calls of f for finite differences: 1000 input elements
MAX_BACKWARDS = 1000  # backward passes: output elements

USAGE = "usage: :gradcheck f, inputs   (for example  :gradcheck torch.sin, torch.rand(3)  or  :gradcheck f, (x, w))"


class Refused(Exception):
    """The check cannot run on these arguments; the message says why."""


@command("gradcheck", "f, inputs", code=True)
def gradcheck_command(ctx: Context, argument: str) -> None:
    """Autograd against finite differences in float64: per input, the largest error, and a verdict.

    f is a function, a module or a builtin; inputs a tensor or a tuple of them. Floating inputs
    are checked as float64 copies that require grad; others are passed as they are.
    """
    if not argument:
        ctx.error(USAGE)
        return
    value = evaluate(ctx, argument, "<gradcheck>")
    if value is NOTHING:
        return
    if not isinstance(value, tuple) or len(value) < 2 or not callable(value[0]):
        ctx.error(USAGE)
        return
    f, *inputs = value
    if len(inputs) == 1 and isinstance(inputs[0], (tuple, list)):
        inputs = list(inputs[0])
    try:
        result = gradcheck(f, inputs, naming.tensor_names(ctx.session.user_variables()))
    except Refused as refused:
        ctx.error(f":gradcheck: {refused}")
        return
    except KeyboardInterrupt:
        ctx.error(INTERRUPTED)
        return
    except ExitRequest:
        ctx.running = False  # exit() in f ends the session, as it would in a statement
        return
    except TensorshError as error:
        ctx.report(error)
        return
    except Exception as exc:  # noqa: BLE001 - the program's (f's, or a backward it wrote): never a traceback
        ctx.report(ctx.session.error_of(exc))
        dtypes = sorted({_dtype(p.dtype) for p in f.parameters()}) if describe.is_module(f) else []
        if dtypes and dtypes != ["float64"]:
            ctx.error(f"note: gradcheck runs in float64; the module's parameters are {', '.join(dtypes)} "
                      f"(.double() converts them, in place)")
        return
    _show(ctx, result)


# ---------------------------------------------------------------- the check

def gradcheck(f: Callable, inputs: list, names: dict[int, str] | None = None) -> dict:
    """Compare autograd with finite differences for every floating tensor among inputs; the
    result as plain data (what the json format prints). Exceptions from f, or from a backward
    the program wrote, pass through."""
    names = names or {}
    torch = _library(inputs)
    copies, rows = [], []
    for index, value in enumerate(inputs):
        row: dict[str, Any] = {"index": index, "variable": names.get(id(value))}
        if describe.is_tensor(value):
            row.update(shape=list(value.shape), dtype=_dtype(value.dtype))
            if value.is_complex():
                raise Refused(f"input {index} is {row['dtype']}: complex gradients are not checked here")
            row["differentiable"] = value.is_floating_point()
            if row["differentiable"]:
                if value.dtype != torch.float64:
                    row.update(converted_from=row["dtype"], dtype="float64")
                value = value.detach().to(torch.float64).clone().requires_grad_(True)
        else:
            row.update(type=type(value).__name__, differentiable=False)
        copies.append(value)
        rows.append(row)
    checked = [i for i, row in enumerate(rows) if row["differentiable"]]
    if not checked:
        raise Refused("no input is a floating-point tensor: there is nothing to differentiate")
    calls = 2 * sum(copies[i].numel() for i in checked)
    if calls > MAX_CALLS:
        raise Refused(f"finite differences would call f {calls:,} times (twice per input element), more than "
                      f"{MAX_CALLS:,}; check on a slice of the inputs, such as x[:4]")

    with torch.enable_grad():
        outputs = _floating_outputs(f(*copies))
    size = sum(o.numel() for o in outputs)
    if size > MAX_BACKWARDS:
        raise Refused(f"f has {size:,} output elements, one backward pass each, more than {MAX_BACKWARDS:,}; "
                      f"check a slice or a sum of its output")
    analytic = _analytic(torch, copies, outputs, checked)
    numeric = _numeric(torch, f, copies, checked, size)
    passed = True
    for i, a, n in zip(checked, analytic, numeric):
        rows[i].update(_compare(a, n, copies[i].shape))
        passed = passed and rows[i]["passed"]
    return {"passed": passed, "eps": EPS, "atol": ATOL, "rtol": RTOL, "outputs": size,
            "requires_grad": all(o.requires_grad for o in outputs), "inputs": rows}


def _library(inputs: list):
    """The library of the input tensors: tensorsh's engine, or PyTorch itself in a session that
    runs on it (`--backend torch`), which is then imported already."""
    from tensorsh import engine

    tensor = next((value for value in inputs if describe.is_tensor(value)), None)
    return engine if tensor is None or isinstance(tensor, engine.Tensor) else sys.modules["torch"]


def _dtype(dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _floating_outputs(result) -> list:
    """f's floating tensors, in order: its result, or the floating tensors of a tuple it returns."""
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    tensors = [o for o in items if describe.is_tensor(o)]
    if not tensors:
        raise Refused(f"f returned {type(result).__name__}, not a tensor or a tuple of tensors")
    floating = [o for o in tensors if o.is_floating_point()]
    if not floating:
        raise Refused(f"f's output is {_dtype(tensors[0].dtype)}: no floating-point output to differentiate")
    return floating


def _analytic(torch, copies: list, outputs: list, checked: list[int]) -> list[np.ndarray]:
    """Per checked input, the Jacobian (output elements x input elements) by autograd: one
    backward per output element, through the graph of one call. An output that does not
    require grad contributes zeros, as PyTorch's gradcheck counts it."""
    size = sum(o.numel() for o in outputs)
    jacobians = [np.zeros((size, copies[i].numel())) for i in checked]
    tracked = [(start, o) for start, o in zip(np.cumsum([0] + [o.numel() for o in outputs]), outputs)
               if o.requires_grad]
    if not tracked:
        return jacobians
    wanted = [copies[i] for i in checked]
    for row in range(size):
        seeds = []
        for start, o in tracked:
            seed = np.zeros(o.numel())
            if start <= row < start + o.numel():
                seed[row - start] = 1.0
            seeds.append(torch.tensor(seed.reshape(tuple(o.shape)), dtype=o.dtype))
        grads = torch.autograd.grad([o for _, o in tracked], wanted, seeds, retain_graph=True, allow_unused=True)
        for jacobian, g in zip(jacobians, grads):
            if g is not None:
                jacobian[row] = g.detach().numpy().reshape(-1)
    return jacobians


def _numeric(torch, f, copies: list, checked: list[int], size: int) -> list[np.ndarray]:
    """Per checked input, the Jacobian by central differences: f at each element +- EPS."""
    jacobians = []
    for i in checked:
        base = copies[i].detach().numpy().copy()
        flat = base.reshape(-1)
        jacobian = np.zeros((size, flat.size))
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + EPS
            plus = _flat(torch, f, copies, i, base)
            flat[k] = old - EPS
            minus = _flat(torch, f, copies, i, base)
            flat[k] = old
            jacobian[:, k] = (plus - minus) / (2 * EPS)
        jacobians.append(jacobian)
    return jacobians


def _flat(torch, f, copies: list, i: int, array: np.ndarray) -> np.ndarray:
    """f's floating outputs, flattened into one float64 vector, with input i replaced by array."""
    args = list(copies)
    args[i] = torch.tensor(array)
    outputs = _floating_outputs(f(*args))  # with grad mode as it is: f may differentiate inside, as in PyTorch
    return np.concatenate([o.detach().to(torch.float64).numpy().reshape(-1) for o in outputs])


def _compare(analytic: np.ndarray, numeric: np.ndarray, shape) -> dict:
    """The largest |autograd - numerical| and whether every element is within PyTorch's tolerance
    (torch.allclose(analytical, numerical, rtol, atol)); where it is worst, if it fails."""
    error = np.abs(analytic - numeric)
    bad = ~(error <= ATOL + RTOL * np.abs(numeric))  # nan counts as a failure
    result: dict[str, Any] = {"max_abs_error": float(error.max()) if error.size else 0.0,  # nan if any is
                              "passed": not bad.any()}
    if bad.any():
        row, col = np.unravel_index(int(np.argmax(np.where(bad, np.nan_to_num(error, nan=np.inf), -1))), error.shape)
        result["worst"] = {"input_element": [int(d) for d in np.unravel_index(col, tuple(shape))] if shape else [],
                           "output_element": int(row), "autograd": float(analytic[row, col]),
                           "numerical": float(numeric[row, col])}
    return result


# ---------------------------------------------------------------- showing

def lines(result: dict) -> list[tuple[str, bool | None]]:
    """The text lines of a result, each with its verdict (True, False, or None for notes)."""
    shown = []
    for row in result["inputs"]:
        label = f"input {row['index']}" + (f" {row['variable']}" if row["variable"] else "")
        if "shape" not in row:
            shown.append((f"{label}: {row['type']}, passed as it is", None))
            continue
        what = f"{label} {tuple(row['shape'])} {row['dtype']}"
        if not row["differentiable"]:
            shown.append((f"{what}: not floating point, passed as it is", None))
            continue
        if "converted_from" in row:
            what += f" (a copy of its {row['converted_from']})"
        text = f"{what}: max abs error {row['max_abs_error']:.1e} {'✓' if row['passed'] else '✗'}"
        if not row["passed"]:
            worst = row["worst"]
            text += (f"\n  worst at input element {tuple(worst['input_element'])}, output element "
                     f"{worst['output_element']}: autograd {worst['autograd']:.6g}, finite differences "
                     f"{worst['numerical']:.6g}")
        shown.append((text, row["passed"]))
    if not result["requires_grad"]:
        shown.append(("note: an output of f has no grad_fn, so autograd gives it zero gradients", None))
    tolerances = f"eps={result['eps']:g}, atol={result['atol']:g}, rtol={result['rtol']:g}"
    if result["passed"]:
        shown.append((f"passed: autograd agrees with finite differences ({tolerances})", True))
    else:
        failing = [str(row["index"]) for row in result["inputs"] if row.get("passed") is False]
        which = f"input{'s' * (len(failing) > 1)} {', '.join(failing)}"
        shown.append((f"failed for {which}: autograd and finite differences disagree ({tolerances})", False))
    return shown


def _show(ctx: Context, result: dict) -> None:
    if ctx.printer.fmt == "json":
        ctx.out.write(json.dumps(_json_safe(result)) + "\n")
        ctx.out.flush()
        return
    for text, verdict in lines(result):
        if ctx.printer.fmt == "plain":
            ctx.out.write(text + "\n")
        else:
            ctx.printer.print(text, style=None if verdict is None else "green" if verdict else "red")
    ctx.out.flush()


def _json_safe(value: Any) -> Any:
    """nan and inf as the strings the json format writes for them (lang.describe), not as NaN."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
    return value
