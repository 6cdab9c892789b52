"""The tensorsh language: Python's syntax, checked and run in a sandbox.

source -> CPython's `ast.parse` -> `validator` (the subset, read from grammar/tensorsh.asdl
by `grammar`) -> `compiler` (every reach past the sandbox through a `guards` function)
-> CPython bytecode, run by `evaluator` with the session's variables as its globals.

`session.Session` is what front ends use; `scope` makes the names a program starts with
(torch's, `pybuiltins`, math), `namespace` holds the attribute allow-lists and the
modules a program sees, `formatting` bounded f-strings and str.format, `errors` the
error type and its renderer, `calls` what explains a call whose arguments do not fit,
`helptext` and `signatures` what `help()` and the REPL say about a name, `describe` the
JSON and summary forms of values. Nothing here imports the terminal libraries (rich,
prompt_toolkit).
"""
