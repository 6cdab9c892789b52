"""tensorsh as a Jupyter kernel: cells run in one session, values shown as PyTorch prints them.

`tensorsh kernel install` (`install`) writes the kernelspec; Jupyter starts the kernel as
`python -m tensorsh.kernel -f CONNECTION_FILE` (`__main__`), an ipykernel wrapper kernel
(`kernel`). What the kernel answers is worked out without Jupyter, so it is tested without
it: how a value is shown (`display`), and the replies to completion, inspection and
is-complete requests (`replies`); which value a cell shows is the language's own rule
(`Session.run(..., show="last")`). Only `kernel` and
`__main__` need the `jupyter` extra (`pip install 'tensorsh[jupyter]'`).
"""
