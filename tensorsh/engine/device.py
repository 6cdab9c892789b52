"""Devices. Only the CPU exists; asking for another fails with a clear message."""

from __future__ import annotations


class device:
    """`torch.device`: printed as `device(type='cpu')`."""

    __module__ = "torch"  # as PyTorch shows it: <class 'torch.device'>

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, idx = str(type).partition(":")
        if name not in ("cpu", "cuda", "mps", "meta", "xpu"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, "
                f"xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: {type}"
            )
        self.type = name
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def check(dev) -> device:
    """The device for `dev`, which must be the CPU: tensorsh has no GPU backend."""
    d = dev if isinstance(dev, device) else device(dev)
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if d.type != "cpu":
        raise RuntimeError(f"tensorsh runs on the CPU only; device '{d}' is not available")
    return CPU


def set_default_device(device) -> None:
    """Set the device factories make tensors on: the CPU is the only one (None restores it)."""
    if device is None:
        return
    if isinstance(device, int) and not isinstance(device, bool):  # an accelerator's index
        raise RuntimeError("Cannot access accelerator device when none is available.")  # noqa: TRY004 (PyTorch's)
    check(device)


def get_default_device() -> device:
    """The device factories make tensors on: the CPU."""
    return CPU


class cuda:
    """The namespace `torch.cuda`: no CUDA here."""

    @staticmethod
    def is_available() -> bool:
        """Whether a CUDA GPU can be used: never, in tensorsh."""
        return False

    @staticmethod
    def device_count() -> int:
        """The number of CUDA devices: zero."""
        return 0

    @staticmethod
    def manual_seed(seed) -> None:
        """Seed the CUDA generators: there are none, so nothing happens (as in PyTorch without a GPU)."""

    manual_seed_all = manual_seed


class CudnnModule:
    """`torch.backends.cudnn`: no cuDNN here. Its switches are kept, as PyTorch keeps them on a
    machine without a GPU (`torch.backends.cudnn.deterministic = True` in a seeding routine)."""

    __slots__ = ("enabled", "benchmark", "deterministic", "allow_tf32")
    _public_instance_attributes = True  # a program sets the switches (namespace._open)

    def __init__(self):
        self.enabled, self.benchmark, self.deterministic, self.allow_tf32 = True, False, False, True

    @staticmethod
    def is_available() -> bool:
        """Whether cuDNN can be used: never, in tensorsh."""
        return False


class MpsModule:
    """`torch.backends.mps`: Apple's GPUs, which tensorsh does not use."""

    __slots__ = ()

    @staticmethod
    def is_available() -> bool:
        """Whether an MPS device can be used: never, in tensorsh."""
        return False

    @staticmethod
    def is_built() -> bool:
        """Whether PyTorch was built with MPS: tensorsh has no MPS backend."""
        return False


class backends:
    """The namespace `torch.backends`: the GPU libraries, none of which tensorsh uses."""

    cudnn = CudnnModule()
    mps = MpsModule()
