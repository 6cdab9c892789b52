"""tensorsh: a command-line tensor REPL with PyTorch's semantics on NumPy."""

__version__ = "0.1.0"
