#!/usr/bin/env python3
"""Writes the safetensors regression files: tests/data/safetensors_malformed/ (one file per
validation rule of QWEN2-VL.md section 8, plus fuzzer finds, with EXPECTED.tsv naming the
message each must produce) and tests/data/safetensors_valid/ (small valid files, also the fuzz
seed corpus). Built byte by byte with struct/json from the format description, independent of
the C++ writer. Deterministic; rerun after adding a case:  python3 tests/reference/make_safetensors_cases.py
"""
import json
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def st(header, data=b"", pad=True, length=None):
    """A file from a header (str/bytes/dict) and buffer; pads with spaces to a multiple of 8."""
    if isinstance(header, dict):
        header = json.dumps(header, separators=(",", ":"))
    if isinstance(header, str):
        header = header.encode("utf-8")
    if pad:
        header += b" " * ((8 - len(header) % 8) % 8)
    n = len(header) if length is None else length
    return struct.pack("<Q", n) + header + data


def t(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


F32x2 = struct.pack("<2f", 1.0, 2.0)

# name -> (bytes, substring the FormatError message must contain)
MALFORMED = {
    "too_short": (b"\x05\x00\x00\x00\x00", "too short"),
    "header_over_cap": (struct.pack("<Q", 100_000_001) + b"{}", "exceeds the 100000000-byte limit"),
    "header_len_max_u64": (struct.pack("<Q", 2**64 - 1) + b"{}", "exceeds the"),
    "header_past_eof": (st("{}", length=4096), "runs past the end"),
    "empty_header": (struct.pack("<Q", 0), "does not start with '{'"),
    "header_leading_space": (st(" {}"), "does not start with '{'"),
    "invalid_utf8": (st(b'{"a\xff":{}}'), "not valid UTF-8"),
    "utf8_surrogate": (st(b'{"a\xed\xa0\x80":{}}'), "not valid UTF-8"),
    "invalid_json": (st('{"a":'), "invalid JSON"),
    "trailing_garbage": (st("{} x"), "invalid JSON"),
    "nul_in_header": (st(b"{}\x00"), "raw NUL byte"),
    "nul_then_garbage": (st(b"{}\x00\xff\xfe"), "not valid UTF-8"),
    "nul_then_json": (st(b"{}\x00,\"a\":1}"), "raw NUL byte"),
    "header_array": (st("[]"), "does not start with '{'"),
    "duplicate_tensor": (st('{"a":' + json.dumps(t("F32", [1], 0, 4)) + ',"a":' +
                            json.dumps(t("F32", [1], 4, 8)) + "}", F32x2),
                         "duplicate JSON key 'a'"),
    "duplicate_field": (st('{"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
                           F32x2), "duplicate JSON key 'dtype'"),
    "duplicate_metadata_key": (st('{"__metadata__":{"k":"1","k":"2"}}'), "duplicate JSON key 'k'"),
    "too_deep": (st('{"a":{"b":{"c":[[[[1]]]]}}}'), "nests deeper"),
    "entry_not_object": (st({"a": [1, 2]}), "entry is not a JSON object"),
    "unknown_dtype": (st({"a": t("F12", [2], 0, 8)}, F32x2), "unknown dtype 'F12'"),
    "dtype_not_string": (st({"a": t(32, [2], 0, 8)}, F32x2), "missing string 'dtype'"),
    "missing_shape": (st({"a": {"dtype": "F32", "data_offsets": [0, 8]}}, F32x2),
                      "missing array 'shape'"),
    "negative_dim": (st({"a": t("F32", [-2], 0, 8)}, F32x2), "non-negative integers"),
    "float_dim": (st({"a": t("F32", [2.0], 0, 8)}, F32x2), "non-negative integers"),
    "dim_over_u64": (st('{"a":{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,8]}}',
                        F32x2), "non-negative integers"),
    "offsets_three": (st({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4, 8]}}, F32x2),
                      "exactly [begin, end]"),
    "offsets_negative": (st({"a": t("F32", [2], -8, 0)}, F32x2), "exactly [begin, end]"),
    "unexpected_field": (st({"a": dict(t("F32", [2], 0, 8), extra=1)}, F32x2), "unexpected key 'extra'"),
    "end_before_begin": (st({"a": t("F32", [0], 8, 0)}, F32x2), "end before begin"),
    "span_mismatch": (st({"a": t("F32", [3], 0, 8)}, F32x2), "does not match shape [3] x F32 = 12"),
    "shape_overflow": (st({"a": t("U8", [2**32, 2**32], 0, 8)}, F32x2), "overflows"),
    "subbyte_not_whole": (st({"a": t("F4", [3], 0, 1)}, b"\x00"), "not a whole number of bytes"),
    "overlap": (st({"a": t("F32", [2], 0, 8), "b": t("F32", [1], 4, 8)}, F32x2), "overlaps"),
    "hole": (st({"a": t("F32", [1], 0, 4), "b": t("F32", [0], 8, 8)}, F32x2), "leaves a hole"),
    "first_not_at_zero": (st({"a": t("F32", [1], 4, 8)}, F32x2), "the buffer start"),
    "data_past_eof": (st({"a": t("F32", [4], 0, 16)}, F32x2), "past the end of the file"),
    "trailing_bytes": (st({"a": t("F32", [1], 0, 4)}, F32x2), "trailing bytes"),
    "metadata_not_object": (st({"__metadata__": "pt"}), "must be an object of strings"),
    "metadata_value_not_string": (st({"__metadata__": {"format": 1}}), "is not a string"),
}

# Cases whose message must also name the offending tensor.
TENSOR = {k: "a" for k in ["entry_not_object", "unknown_dtype", "dtype_not_string", "missing_shape",
                           "negative_dim", "float_dim", "dim_over_u64", "offsets_three",
                           "offsets_negative", "unexpected_field", "end_before_begin",
                           "span_mismatch", "shape_overflow", "subbyte_not_whole",
                           "first_not_at_zero", "data_past_eof"]}
TENSOR.update({"overlap": "b", "hole": "b"})


def valid_files():
    ramp = bytes(range(24))
    return {
        # The spec's example shape: one I32 tensor, metadata, padded header.
        "spec_i32_with_metadata": st({"__metadata__": {"format": "pt"},
                                      "test": t("I32", [2, 2], 0, 16)},
                                     struct.pack("<4i", 1, -2, 3, -4)),
        "empty": st({}),
        "unpadded_misaligned": st({"x": t("F64", [1], 0, 8), "y": t("BF16", [2], 8, 12)},
                                  struct.pack("<d", 0.5) + b"\x80\x3f\x00\x40", pad=False),
        "reverse_order": st({"b": t("U8", [2], 2, 4), "a": t("I16", [1], 0, 2)}, b"\x01\x02\x03\x04"),
        "scalar_and_empty": st({"s": t("F32", [], 0, 4), "z": t("F16", [0, 3], 4, 4)},
                               struct.pack("<f", 3.5)),
        "all_dtypes": st({"bool": t("BOOL", [2], 0, 2), "u8": t("U8", [2], 2, 4),
                          "i8": t("I8", [2], 4, 6), "i16": t("I16", [1], 6, 8),
                          "f16": t("F16", [2], 8, 12), "bf16": t("BF16", [2], 12, 16),
                          "i32": t("I32", [1], 16, 20), "f32": t("F32", [1], 20, 24)},
                         ramp[:2] + ramp[2:24]),
    }


def write_dir(name, files):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    for f, data in files.items():
        with open(os.path.join(d, f + ".safetensors"), "wb") as out:
            out.write(data)
    return d


def main():
    d = write_dir("safetensors_malformed", {k: v[0] for k, v in MALFORMED.items()})
    with open(os.path.join(d, "EXPECTED.tsv"), "w") as out:
        out.write("# file\tsubstring of the FormatError message\ttensor the message must name"
                  " (- for none); read by tests/core/safetensors_malformed_test.cpp\n")
        for k, (_, msg) in sorted(MALFORMED.items()):
            out.write(f"{k}.safetensors\t{msg}\t{TENSOR.get(k, '-')}\n")
    write_dir("safetensors_valid", valid_files())
    # Seeds for tests/fuzz/fuzz_safetensors_index.cpp (index parsing is unit-tested from code).
    d = os.path.join(ROOT, "safetensors_index_seeds")
    os.makedirs(d, exist_ok=True)
    shard = "model-00001-of-00002.safetensors"
    seeds = {
        "valid": {"metadata": {"total_size": 4417971200},
                  "weight_map": {"lm_head.weight": shard,
                                 "model.norm.weight": "model-00002-of-00002.safetensors"}},
        "parent_dir": {"weight_map": {"a": "../x.safetensors"}},
        "absolute": {"weight_map": {"a": "/etc/passwd"}},
        "not_string": {"weight_map": {"a": 3}},
    }
    for name, doc in seeds.items():
        with open(os.path.join(d, name + ".json"), "w") as out:
            json.dump(doc, out)
    with open(os.path.join(d, "duplicate.json"), "w") as out:
        out.write('{"weight_map":{"a":"%s","a":"%s"}}' % (shard, shard))
    print(f"wrote {len(MALFORMED)} malformed and {len(valid_files())} valid files under {ROOT}")


if __name__ == "__main__":
    sys.exit(main())
