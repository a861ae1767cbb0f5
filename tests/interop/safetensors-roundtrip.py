#!/usr/bin/env python3
"""safetensors-roundtrip.py COMMAND ... — bench/safetensors_np.py's side of test-safetensors.c.

  copy IN OUT      read IN and write its tensors and metadata to OUT, in the same order
  reverse IN OUT   the same with the tensors in reverse order
  write OUT        write the tensors and metadata test-safetensors.c expects (see there)
  selftest DIR     the reader's conversions (F16, F64) and refusals, in files made in DIR
Exit status 0 when all went well; a traceback otherwise.
"""

import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import safetensors_np  # noqa: E402

# The bit patterns test-safetensors.c checks: zero, negative zero, one, -1.5, the infinities, a
# quiet NaN with a payload, the smallest subnormal, the largest finite float.
PATTERNS = [0x00000000, 0x80000000, 0x3F800000, 0xBFC00000, 0x7F800000, 0xFF800000,
            0x7FC00123, 0x00000001, 0x7F7FFFFF]


def expected():
    tensors = {
        "patterns": np.array(PATTERNS, dtype="<u4").view("<f4").reshape(3, 3),
        "ramp": np.arange(24, dtype=np.float32).reshape(2, 3, 4) * np.float32(0.5)
        - np.float32(3),
        "scalar": np.array(-2.5, dtype=np.float32),
        "nothing": np.zeros((0, 3), dtype=np.float32),
    }
    return tensors, {"writer": "numpy", "note": "d\u00e9j\u00e0 \"vu\""}


def raw_file(path, header, body):
    import json
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)


def must_refuse(path, words):
    try:
        safetensors_np.load(path)
    except ValueError as e:
        for w in words:
            assert w in str(e), (w, str(e))
        return
    raise AssertionError(f"{path} was read")


def selftest(folder):
    values = np.array([1.5, -2.25, 65504.0, 0.0], dtype=np.float64)
    f64 = os.path.join(folder, "f64.safetensors")
    raw_file(f64, {"w": {"dtype": "F64", "shape": [2, 2], "data_offsets": [0, 32]}},
             values.astype("<f8").tobytes())
    t, m = safetensors_np.load(f64)
    assert t["w"].dtype == np.float32 and t["w"].shape == (2, 2) and m == {}
    assert np.array_equal(t["w"].ravel(), values.astype(np.float32))

    f16 = os.path.join(folder, "f16.safetensors")
    raw_file(f16, {"__metadata__": {"k": "v"},
                   "h": {"dtype": "F16", "shape": [4], "data_offsets": [0, 8]}},
             values.astype("<f2").tobytes())
    t, m = safetensors_np.load(f16)
    assert m == {"k": "v"} and np.array_equal(t["h"], values.astype(np.float32))

    big = os.path.join(folder, "big.safetensors")
    raw_file(big, {"b": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}},
             np.array([1e300]).astype("<f8").tobytes())
    must_refuse(big, ["'b'", "range"])

    bf16 = os.path.join(folder, "bf16.safetensors")
    raw_file(bf16, {"x": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}, b"\0\0")
    must_refuse(bf16, ["'x'", "BF16"])

    hole = os.path.join(folder, "hole.safetensors")
    raw_file(hole, {"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, bytes(8))
    must_refuse(hole, ["'a'"])

    try:
        safetensors_np.save(os.path.join(folder, "f64-out.safetensors"), {"d": values})
    except TypeError:
        pass
    else:
        raise AssertionError("a float64 array was saved")


def main(argv):
    command = argv[1]
    if command in ("copy", "reverse"):
        tensors, metadata = safetensors_np.load(argv[2])
        names = list(tensors)
        if command == "reverse":
            names.reverse()
        safetensors_np.save(argv[3], {n: tensors[n] for n in names}, metadata)
    elif command == "write":
        tensors, metadata = expected()
        safetensors_np.save(argv[2], tensors, metadata)
    elif command == "selftest":
        selftest(argv[2])
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
