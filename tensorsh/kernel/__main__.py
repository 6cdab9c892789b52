"""`python -m tensorsh.kernel -f CONNECTION_FILE`: the kernel, as the kernelspec starts it."""

import os
import sys

from tensorsh.kernel.install import INSTALL_HINT

# ipykernel imports debugpy, which warns on import that frozen modules hide breakpoints from
# it; this kernel has no debugger (its kernelspec says so), so the warning is only noise.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
try:
    from ipykernel.kernelapp import IPKernelApp
except ImportError:  # a kernelspec left behind by an environment that lost the extra
    sys.exit(f"tensorsh kernel: ipykernel is not installed; the kernel needs the jupyter extra:\n    {INSTALL_HINT}")

from tensorsh.engine import limits, work
from tensorsh.kernel.kernel import TensorshKernel

# As for a program and the REPL, once what the kernel needs is imported: memory that no
# tensor check foresaw stays bounded.
limits.limit_process_memory()
IPKernelApp.launch_instance(kernel_class=TensorshKernel)
if work.abandoned_work():  # Python's exit would wait for it forever (see engine.work)
    os._exit(0)
