"""Record what IPython's pretty printer shows for the values of PRETTY_CASES, with PyTorch.

    python tests/notebooks/record_pretty.py [IPYTHON_7_9_PRETTY_PY]

Writes tests/notebooks/data/pretty.json: for each case its source, the text of the current
IPython (`IPython.lib.pretty.pretty`, as Jupyter's text/plain) and, given the pretty.py of
IPython 7.9 (the last layout before ipython/ipython#12099, and Colab's for years; unzip
`pip download --no-deps ipython==7.9.0`), that one's. Needs torch and IPython; the tests
that read the file need neither. Each case is a program whose last line is an expression,
run by Python with `import torch, numpy as np; from torch import nn`.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

PRETTY_CASES = [
    "(torch.zeros(3, 4), torch.float32)",
    "[torch.ones(2, 3)] * 3",
    "list(range(40))",
    "{i: 'x' * i for i in range(12)}",
    "{'a': torch.ones(2, 2), 'b': [1, 2, 3]}",
    "(torch.Size([224, 224, 3]), 3)",
    "(1,)",
    "[[1, 2, 3] * 10, (4, 5) * 20]",
    "set(range(30))",
    "frozenset({3, 1})",
    "set()",
    "(np.arange(7.0), torch.arange(7.0))",
    "[1.5, None, True, 's' * 80]",
    "list(range(1200))",
    "torch.arange(12).reshape(3, 4), torch.arange(12.).reshape(2, 6)",
    "[torch.arange(6).reshape(2, 3), 'a' * 70]",
    "{'weight': torch.ones(2, 3) / 3, 'bias': torch.zeros(2)}",
    "(torch.ones(1), torch.ones(2, 2), torch.ones(1, 1, 2))",
    "[[[1, 2], [3, 4]] * 8]",
    "[[list(range(15))] * 3]",
    "torch.arange(7.).reshape(7, 1), torch.Size([7, 1])",
    "torch.manual_seed(0)\nnn.Linear(3, 2).state_dict()",
    "torch.manual_seed(0)\nmodel = nn.Sequential(nn.Linear(2, 3), nn.ReLU())\nmodel, model.state_dict()",
    "from collections import OrderedDict\nOrderedDict(a=1, b=[2, 3])",
    "'a string', 3, 4.5, -0.0",
    "{'nested': {'deeper': list(range(30))}, 'x': (1, 2)}",
]


def _ipython_7_9_pretty(path: str):
    """IPython 7.9's `pretty`, loaded from its pretty.py beside today's IPython (for its utils)."""
    module = types.ModuleType("ipython_7_9_pretty")
    module.__file__ = path
    source = Path(path).read_text(encoding="utf-8")
    # Its one import that today's IPython no longer has.
    source = source.replace("from IPython.utils.py3compat import PYPY", "PYPY = False")
    exec(compile(source, path, "exec"), module.__dict__)
    return module.pretty


def _value(source: str):
    import numpy as np
    import torch
    from torch import nn

    namespace = {"torch": torch, "np": np, "nn": nn}
    *body, last = source.splitlines()
    exec("\n".join(body), namespace)
    return eval(last, namespace)


def main() -> None:
    from IPython.lib.pretty import pretty

    old = _ipython_7_9_pretty(sys.argv[1]) if len(sys.argv) > 1 else None
    records = []
    for source in PRETTY_CASES:
        record = {"source": source, "ipython": pretty(_value(source))}
        if old is not None:
            record["ipython_7_9"] = old(_value(source))
        records.append(record)
    out = Path(__file__).resolve().parent / "data" / "pretty.json"
    out.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
