"""safetensors files with numpy alone, for the checks that compare CariLab with other programs.

The format: an 8-byte little-endian header length N, N bytes of JSON
  {"__metadata__": {"key": "value", ...},
   "name": {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
then the tensors' little-endian bytes, each at [8 + N + begin, 8 + N + end).

save() writes float32 arrays only, in the dict's order, the header padded with spaces to a
multiple of 8 bytes, atomically (temporary file, fsync, rename), as CariLab does.
load() reads F32 tensors, and F16 and F64 ones converted to float32 (F64 values beyond float32's
range are refused rather than turned into infinities); it checks the bounds CariLab's reader
checks (docs/interop.md) and raises ValueError naming the file and the tensor at fault.
"""

import json
import os
import struct
import tempfile

import numpy as np

MAX_HEADER = 100 << 20
MAX_DIMS = 8

_READ_DTYPES = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}


def save(path, tensors, metadata=None):
    """Write `tensors` (name -> float32 array) and `metadata` (str -> str) to `path`."""
    header = {}
    if metadata:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"{path}: metadata {key!r} is not a string to a string")
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name, array in tensors.items():
        if not isinstance(name, str) or name in ("", "__metadata__"):
            raise ValueError(f"{path}: a tensor cannot be called {name!r}")
        array = np.asarray(array)
        if array.dtype.kind != "f" or array.dtype.itemsize != 4:
            raise TypeError(f"{path}: tensor {name!r} is {array.dtype}, not float32")
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": [int(d) for d in array.shape],
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)

    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for blob in blobs:
                f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    dfd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _no_duplicates(path):
    def hook(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise ValueError(f"{path}: key {key!r} appears twice in the header")
            seen[key] = value
        return seen
    return hook


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")


def _non_negative_int(value):
    # bool is an int to Python, not to JSON.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def load(path):
    """Read `path`: (dict name -> float32 array in file order, dict of metadata)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes, too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER:
        raise ValueError(f"{path}: a header of {n} bytes, more than {MAX_HEADER}")
    if n > len(data) - 8:
        raise ValueError(f"{path}: a header of {n} bytes, but {len(data) - 8} follow")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"),
                            object_pairs_hook=_no_duplicates(path),
                            parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: the header is not JSON: {e}") from None
    if not isinstance(header, dict):
        raise ValueError(f"{path}: the header is not a JSON object")
    body = memoryview(data)[8 + n:]

    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{path}: __metadata__ is not an object of strings")

    entries = []
    for order, (name, info) in enumerate(header.items()):
        if name == "":
            raise ValueError(f"{path}: a tensor has an empty name")
        if not isinstance(info, dict):
            raise ValueError(f"{path}: tensor {name!r} is not described by an object")
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if dtype not in _READ_DTYPES:
            raise ValueError(f"{path}: tensor {name!r} is {dtype}; F32, F16 and F64 can be read")
        if (not isinstance(shape, list) or len(shape) > MAX_DIMS
                or not all(_non_negative_int(d) for d in shape)):
            raise ValueError(f"{path}: tensor {name!r} has a bad shape {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(_non_negative_int(o) for o in offsets)):
            raise ValueError(f"{path}: tensor {name!r} has bad data_offsets {offsets!r}")
        begin, end = offsets
        size = int(np.prod(shape, dtype=object)) if shape else 1
        itemsize = np.dtype(_READ_DTYPES[dtype]).itemsize
        if begin > end or end > len(body) or end - begin != size * itemsize:
            raise ValueError(f"{path}: tensor {name!r} has data_offsets {offsets} for "
                             f"{size} values of {itemsize} bytes in {len(body)} bytes of data")
        entries.append((begin, end, order, name, dtype, shape))

    entries.sort()
    pos = 0
    for begin, end, _, name, _, _ in entries:
        if begin != pos:
            raise ValueError(f"{path}: tensor {name!r} starts at byte {begin} of the data "
                             f"where the tensors before it end at {pos}")
        pos = end
    if pos != len(body):
        raise ValueError(f"{path}: the last {len(body) - pos} bytes of data belong to no tensor")

    tensors = {}
    for begin, end, _, name, dtype, shape in entries:
        array = np.frombuffer(body[begin:end], dtype=_READ_DTYPES[dtype]).reshape(shape)
        if dtype == "F64":
            finite = np.isfinite(array)
            if np.any(np.abs(array[finite]) > np.finfo(np.float32).max):
                raise ValueError(f"{path}: tensor {name!r} holds values beyond float32's range")
        tensors[name] = array.astype(np.float32)
    return tensors, dict(metadata)
