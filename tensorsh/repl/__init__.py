"""The interactive REPL (`tensorsh` on a terminal): a thin layer of small modules over the language.

Import `tensorsh.repl.app.run_repl` only on the interactive path: it loads
prompt_toolkit and rich, which the non-interactive modes never need.
"""
