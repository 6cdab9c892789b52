"""The tensorsh language: source -> `parser.parse` -> `ast` -> `evaluator.Evaluator`.

`session.Session` ties them to a namespace (`namespace.builtins`) and is what front
ends use; `errors` holds the error type and its renderer, `describe` the JSON and
summary forms of values. Nothing here imports the terminal libraries (rich,
prompt_toolkit) or Lark: `parser` runs on `lalr`, a small LALR driver, over tables
compiled from grammar/tensorsh.lark (`grammar_tables`, made by
scripts/build_parser_tables.py).
"""
