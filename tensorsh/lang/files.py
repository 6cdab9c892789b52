"""save() and load(): the only code in the language that touches the file system.

A program reaches files through two functions, made by `make_files` and bound by
`scope.builtins` both bare and as `torch.save`/`torch.load`. They are kept here, apart
from the allow-lists in `namespace`, so that what a program may do to the disk can be
read in one place. The rules:

- Only NumPy's formats: `.npy` for one tensor or array, `.npz` for several (a list,
  tuple or dict of them). Never pickle: arrays of Python objects are neither written nor
  read (`allow_pickle=False`, and object dtypes refused before NumPy sees them).
- Only inside the working directory: a path is resolved with symlinks followed, and one
  that lands outside it (`../x.npy`, `/tmp/x.npy`, a symlink pointing out) is refused
  with PermissionError.
- load() reads only regular files: a named pipe would block it forever, so anything else
  is refused before it is read.
- load() trusts no file: it reads each .npy header itself first and refuses a bad magic
  string, an unknown version, a header longer than NumPy's default limit (or than the
  file), a damaged shape, pickled data, an array the memory limit does not allow, and
  data shorter than the header announces, all before anything is allocated
  (`FileFormatError`). Big-endian data is converted to native byte order, as tensors
  (like PyTorch's) hold only native numbers.
- save() writes atomically: through a temporary file in the same directory, synced and
  then renamed over the target, so a reader or a crash never sees half a file. A save
  killed mid-write leaves its temporary behind; the next save or load of that target
  removes it (`_remove_stale_temporaries`).
- Messages name a file as the program wrote it, never by its absolute path, which would
  show where the working directory lies.
- `tensorsh --no-files` turns both off (`FilesDisabled`).
- The same two functions are `torch.save`/`torch.load` under `--backend torch`: PyTorch's own
  unpickle (and run) whatever a file holds, so they are never reachable.
"""

from __future__ import annotations

import io
import math
import os
import stat
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy

from tensorsh.lang.exits import raise_pending_exit

if TYPE_CHECKING:
    from tensorsh.lang.namespace import Namespace


class FilesDisabled(Exception):
    """save/load called under --no-files."""


class FileFormatError(ValueError):
    """A file that load() refuses: not .npy/.npz, corrupt, truncated, pickled or too big."""


_MAX_HEADER = 10_000  # NumPy's own default: a longer header is an attack, not an array


def _inside_working_directory(path: str) -> str:
    """The absolute path, if it lies inside the working directory (symlinks followed); else PermissionError."""
    cwd = os.path.realpath(os.getcwd())
    full = os.path.realpath(os.path.join(cwd, path))
    if os.path.commonpath([cwd, full]) != cwd:
        raise PermissionError(f"save and load only reach files inside the working directory, not {path!r}")
    return full


def _check_npy_header(f, name: str, available: int | None) -> None:
    """Read a .npy header from `f` and refuse what load must not build; `available`: bytes after it."""
    from numpy.lib import format as npy

    from tensorsh.engine.limits import check_allocation

    try:
        version = npy.read_magic(f)
    except (ValueError, EOFError):
        raise FileFormatError(f"{name} is not a .npy file: it does not start with NumPy's magic string") from None
    if version not in ((1, 0), (2, 0), (3, 0)):
        raise FileFormatError(f"{name}: unknown .npy format version {version}")
    read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
    # The header's length comes before it; NumPy reads that many bytes before checking the
    # length, so a 12-byte file claiming a 2 GiB header would ask for 2 GiB (MemoryError).
    # Check the length against the file size and the limit first, then hand NumPy the bytes.
    length_field = f.read(2 if version == (1, 0) else 4)
    length = int.from_bytes(length_field, "little")
    if len(length_field) < (2 if version == (1, 0) else 4) or \
            (available is not None and length > available - f.tell()):
        raise FileFormatError(f"{name} has a damaged header (not one NumPy wrote)")
    if length > _MAX_HEADER:
        raise FileFormatError(f"{name} has a header longer than the {_MAX_HEADER} bytes tensorsh reads")
    try:
        shape, _, dtype = read_header(io.BytesIO(length_field + f.read(length)), max_header_size=_MAX_HEADER)
    except (ValueError, SyntaxError, EOFError, TypeError, KeyError) as exc:
        if "large and may not be safe" in str(exc):
            raise FileFormatError(f"{name} has a header longer than the {_MAX_HEADER} bytes tensorsh reads") \
                from None
        raise FileFormatError(f"{name} has a damaged header (not one NumPy wrote)") from None
    if not all(isinstance(d, int) and d >= 0 for d in shape):
        raise FileFormatError(f"{name} has a damaged header (not one NumPy wrote)")
    if dtype.hasobject:
        raise FileFormatError(f"{name} holds Python objects (pickled data), which tensorsh never loads")
    check_allocation(shape, dtype)
    if available is not None:
        needed = math.prod(shape) * dtype.itemsize
        left = available - f.tell()
        if left < needed:
            raise FileFormatError(f"{name} is truncated: its header announces {needed} bytes of data, "
                                  f"but only {max(left, 0)} follow")


def _open_regular(path: str, name: str):
    """`path` opened for reading, if it is a regular file. A named pipe would block open()
    and read() until some writer came, i.e. forever; a device could be endless."""
    _refuse_irregular(os.stat(path).st_mode, name)
    # O_NONBLOCK: were the file swapped for a pipe between stat() and open(), open() still
    # returns at once, and the fstat() below refuses it. On regular files it changes nothing.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        _refuse_irregular(os.fstat(fd).st_mode, name)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _refuse_irregular(mode: int, name: str) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{name} is a directory, not a file")
    kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    raise OSError(f"{name} is {kind}, not a regular file: load reads only regular files")


def _native(array):
    """`array` in native byte order. NumPy keeps a big-endian .npy big-endian ('>f4'), which
    no tensor can hold (torch.from_numpy refuses it); the values are what matter, so swap
    the bytes in place (read_array gave a fresh array) rather than refuse the file."""
    if array.dtype.isnative or array.dtype.fields is not None:
        return array  # structured dtypes are refused later as unsupported, byte order or not
    if not array.flags.writeable:
        array = array.copy()
    return array.byteswap(inplace=True).view(array.dtype.newbyteorder("="))


def _read_npy(path: str, name: str):
    from numpy.lib import format as npy

    with _open_regular(path, name) as f:
        _check_npy_header(f, name, os.fstat(f.fileno()).st_size)
        f.seek(0)
        return _native(npy.read_array(f, allow_pickle=False, max_header_size=_MAX_HEADER))


def _read_npz(path: str, name: str) -> dict:
    import zipfile

    from numpy.lib import format as npy

    arrays = {}
    with _open_regular(path, name) as file, zipfile.ZipFile(file) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                continue
            member = f"{name}[{info.filename[:-4]!r}]"
            with archive.open(info) as f:
                _check_npy_header(f, member, info.file_size)
            with archive.open(info) as f:
                arrays[info.filename[:-4]] = _native(
                    npy.read_array(f, allow_pickle=False, max_header_size=_MAX_HEADER))
    return arrays


# A temporary is named `.<target>.tensorsh-save-<pid>-<random>.tmp`, next to its target:
# recognisable, and carrying the pid of the process writing it, so that a later save or
# load of the target can tell a leftover (its writer is dead) from a save in progress.
_TEMPORARY_MARK = ".tensorsh-save-"
_writing: set[str] = set()  # this process's temporaries now being written


def _temporary_prefix(base: str) -> str:
    # Only a prefix of a long name (in bytes, as the file system counts): the target may take
    # up all of a name's 255 bytes, and its temporary must still fit.
    return "." + base.encode(errors="surrogateescape")[:200].decode(errors="ignore") + _TEMPORARY_MARK


def _remove_stale_temporaries(path: str) -> None:
    """Remove the temporaries a killed save of `path` left behind (they may be hundreds of MB).
    Best effort: a directory that cannot be listed, or a file already gone, is no error."""
    directory, base = os.path.split(path)
    prefix = _temporary_prefix(base)
    try:
        names = [n for n in os.listdir(directory) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):-len(".tmp")].partition("-")[0]
        if not pid.isdigit():
            continue
        full = os.path.join(directory, name)
        if int(pid) == os.getpid():
            # Ours, unless being written now: a pid can come back (every sandboxed run may
            # get the same one), so "the pid is alive" does not make our own pid's file live.
            stale = full not in _writing
        else:
            stale = not _process_alive(int(pid))
        if stale:
            try:
                os.unlink(full)
            except OSError:
                pass


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process (or a number no pid can be): leave the file be
    return True


def _write_atomically(path: str, write: Callable[[Any], None]) -> None:
    """Write through a temporary file in the same directory, then rename it over `path`:
    a reader, or a crash, never sees half a file."""
    import secrets

    _remove_stale_temporaries(path)
    directory, base = os.path.split(path)
    temporary = os.path.join(directory, f"{_temporary_prefix(base)}{os.getpid()}-{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    _writing.add(temporary)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    finally:
        _writing.discard(temporary)


def _as_given(exc: OSError, path: str) -> OSError:
    """`exc` naming the file as the program wrote it. The OS names the absolute path (or
    the temporary's), which tells the program where the working directory lies."""
    if exc.filename is None and exc.filename2 is None:
        return exc
    return OSError(exc.errno, exc.strerror, path)  # OSError() picks the subclass from errno


def npz_members(obj, as_array) -> dict:
    """The arrays an .npz holds for obj, by member name: a dict's keys, arr_0, arr_1, ... for a
    list or tuple, arr_0 for one value (np.savez's own names)."""
    if isinstance(obj, dict):
        return {str(k): as_array(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return {f"arr_{i}": as_array(v) for i, v in enumerate(obj)}
    return {"arr_0": as_array(obj)}


def make_files(torch: Namespace, allowed: bool):
    """save(obj, path) and load(path): .npy for one tensor or array, .npz for several; never pickle.
    Only files inside the working directory; save writes atomically."""
    from_numpy = torch.members.get("from_numpy")
    tensor_type = torch.members.get("Tensor")

    def check(path) -> str:
        if not allowed:
            raise FilesDisabled("file access is turned off (--no-files)")
        if not isinstance(path, str):
            raise TypeError(f"path must be a string, not {type(path).__name__}")
        if not path.endswith((".npy", ".npz")):
            raise ValueError(f"save and load only handle .npy and .npz files, not {path!r}")
        if "\0" in path:
            raise ValueError("a path cannot contain a NUL character")
        return _inside_working_directory(path)

    def as_array(obj):
        if tensor_type is not None and isinstance(obj, tensor_type):
            array = obj.detach().cpu().numpy()  # cpu(): a CUDA tensor, under --backend torch
        else:
            array = numpy.asarray(obj)
            raise_pending_exit()
        if array.dtype.hasobject:
            raise TypeError("save only writes numbers: this value holds Python objects")
        return array

    def save(obj, path):
        """save(obj, path): write a tensor or array to .npy, or a list/tuple/dict of them to .npz."""
        full = check(path)
        if not os.path.isdir(os.path.dirname(full)):
            raise FileNotFoundError(f"No such directory for {path!r}")
        if path.endswith(".npz"):
            arrays = npz_members(obj, as_array)

            def write(f):
                numpy.savez(f, **arrays)
        else:
            array = as_array(obj)

            def write(f):
                numpy.save(f, array, allow_pickle=False)
        try:
            _write_atomically(full, write)
        except OSError as exc:
            raise _as_given(exc, path) from None

    def to_value(array):
        return from_numpy(array) if from_numpy is not None else array

    def load(path):
        """load(path): a tensor from .npy, or a dict of name -> tensor from .npz."""
        import struct
        import zipfile

        full = check(path)
        _remove_stale_temporaries(full)
        try:
            if path.endswith(".npz"):
                return {name: to_value(array) for name, array in _read_npz(full, repr(path)).items()}
            return to_value(_read_npy(full, repr(path)))
        except FileNotFoundError:
            raise FileNotFoundError(f"No such file: {path!r}") from None
        except (FileFormatError, RuntimeError):
            raise
        except OSError as exc:
            raise _as_given(exc, path) from None
        except (ValueError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, struct.error, SyntaxError,
                KeyError, NotImplementedError) as exc:
            kind = "a .npz archive" if path.endswith(".npz") else "a .npy file"
            reason = str(exc).split("\n")[0]
            raise FileFormatError(f"{path!r} is not {kind} tensorsh can read: {reason}") from None

    return save, load
