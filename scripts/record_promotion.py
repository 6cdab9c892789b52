"""Record PyTorch's type-promotion table into tests/engine/promotion_table.json (needs torch).

For every pair of dtypes: promote_types, result_type of two dimensioned tensors, of a
dimensioned and a zero-dim tensor, the dtype of true division, and can_cast; for every
dtype and Python scalar kind: result_type(tensor, scalar).
"""

import json
from pathlib import Path

import torch

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
SCALARS = {"bool": True, "int": 3, "float": 2.5, "complex": 1j}
OUT = Path(__file__).resolve().parent.parent / "tests" / "engine" / "promotion_table.json"


def name(d: torch.dtype) -> str:
    return str(d).removeprefix("torch.")


def main() -> None:
    pairs = []
    for a in DTYPES:
        for b in DTYPES:
            da, db = getattr(torch, a), getattr(torch, b)
            x, y, y0 = torch.ones(2, dtype=da), torch.ones(2, dtype=db), torch.ones((), dtype=db)
            pairs.append({
                "a": a, "b": b,
                "promote_types": name(torch.promote_types(da, db)),
                "dim_dim": name(torch.result_type(x, y)),
                "dim_zero": name(torch.result_type(x, y0)),
                "div": name((x / y).dtype) if a != "bool" or b != "bool" else name((x / y).dtype),
                "can_cast": torch.can_cast(da, db),
            })
    scalars = []
    for a in DTYPES:
        for kind, value in SCALARS.items():
            x = torch.ones(2, dtype=getattr(torch, a))
            scalars.append({"a": a, "scalar": kind, "result_type": name(torch.result_type(x, value))})
    OUT.write_text(json.dumps({"torch": torch.__version__, "pairs": pairs, "scalars": scalars}, indent=1) + "\n")
    print(f"wrote {OUT}: {len(pairs)} pairs, {len(scalars)} scalar cases")


if __name__ == "__main__":
    main()
