import numpy as np

from tensorsh import engine as torch

rng = np.random.default_rng(0)
A = rng.standard_normal((2, 3))
B = rng.standard_normal((2, 3))
ROW = rng.standard_normal((3,))
POS = rng.uniform(0.5, 2.0, (2, 3))
UNIT = rng.uniform(-0.9, 0.9, (2, 3))

CASES = [
    ("add", lambda a, b: torch.add(a, b, alpha=2), [A, ROW]),
    ("add", lambda a: a + 1.5, [A]),
    ("sub", lambda a, b: a - b, [A, ROW]),
    ("rsub", lambda a: 2 - a, [A]),
    ("rsub", lambda a, b: torch.rsub(a, b, alpha=2), [A, ROW]),
    ("mul", lambda a, b: a * b, [A, ROW]),
    ("div", lambda a, b: a / b, [A, POS]),
    ("div", lambda a: 3 / a, [POS]),
    ("div", lambda a, b: torch.div(a, b, rounding_mode="trunc") + a, [A, POS]),
    ("remainder", lambda a, b: a % b, [A, POS]),
    ("fmod", lambda a, b: torch.fmod(a, b), [A, POS]),
    ("pow", lambda a: a ** 3, [A]),
    ("pow", lambda a, b: a ** b, [POS, A]),
    ("pow", lambda a: 2 ** a, [A]),
    ("neg", lambda a: -a, [A]),
    ("maximum", lambda a, b: torch.maximum(a, b), [A, B]),
    ("minimum", lambda a, b: torch.minimum(a, b), [A, B]),
    ("exp", torch.exp, [A]),
    ("expm1", torch.expm1, [A]),
    ("log", torch.log, [POS]),
    ("log1p", torch.log1p, [POS]),
    ("log2", torch.log2, [POS]),
    ("log10", torch.log10, [POS]),
    ("sqrt", torch.sqrt, [POS]),
    ("rsqrt", torch.rsqrt, [POS]),
    ("sin", torch.sin, [A]),
    ("cos", torch.cos, [A]),
    ("tan", torch.tan, [UNIT]),
    ("asin", torch.asin, [UNIT]),
    ("acos", torch.acos, [UNIT]),
    ("atan", torch.atan, [A]),
    ("asinh", torch.asinh, [A]),
    ("acosh", lambda a: torch.acosh(a + 1.5), [POS]),
    ("atanh", torch.atanh, [UNIT]),
    ("atan2", torch.atan2, [A, POS]),
    ("atan2", lambda a, b: torch.atan2(a, b), [A, ROW]),
    ("sinh", torch.sinh, [A]),
    ("cosh", torch.cosh, [A]),
    ("tanh", torch.tanh, [A]),
    ("sigmoid", torch.sigmoid, [A]),
    ("reciprocal", torch.reciprocal, [POS]),
    ("floor", lambda a: torch.floor(a) + a, [A]),
    ("ceil", lambda a: torch.ceil(a) * a, [A]),
    ("trunc", lambda a: torch.trunc(a) + a, [A]),
    ("frac", torch.frac, [A]),
    ("sign", lambda a: torch.sign(a) * a, [A]),
    ("abs", torch.abs, [A]),
    ("square", torch.square, [A]),
    ("relu", torch.relu, [A]),
    ("round", lambda a: torch.round(a) + a, [A]),
    ("clamp", lambda a: torch.clamp(a, -0.5, 0.5), [A]),
    ("clamp", lambda a, lo: torch.clamp(a, min=lo), [A, B]),
    ("where", lambda a, b: torch.where(a > 0, a, b), [A, B]),
    ("lerp", lambda a, b: torch.lerp(a, b, 0.3), [A, B]),
]
