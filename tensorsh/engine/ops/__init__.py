"""The ops, one module per family. Importing this package registers them all."""

from . import convert, creation, sampling, graph, pointwise, reduction, shape, indexing, linalg, nn, conv, normalization  # noqa: F401
