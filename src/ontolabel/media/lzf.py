"""LZF decompression, for PCD files saved as ``DATA binary_compressed`` (PCL's default).

The format (liblzf): a control byte below 32 starts a run of ``ctrl + 1`` literal bytes;
any other control byte is a back reference: its top 3 bits give the length - 2 (7 means
"read one more length byte"), its low 5 bits and the next byte the distance - 1.
"""

from __future__ import annotations


class LzfError(ValueError):
    """The compressed bytes are not valid LZF, or do not expand to the stated size."""


def lzf_decompress(data: bytes, expected_size: int) -> bytes:
    out = bytearray(expected_size)
    ip, op, end = 0, 0, len(data)
    while ip < end:
        ctrl = data[ip]
        ip += 1
        if ctrl < 32:
            run = ctrl + 1
            if ip + run > end or op + run > expected_size:
                raise LzfError("literal run past the end of the data")
            out[op : op + run] = data[ip : ip + run]
            ip += run
            op += run
            continue
        length = ctrl >> 5
        if length == 7:
            if ip >= end:
                raise LzfError("truncated back reference")
            length += data[ip]
            ip += 1
        if ip >= end:
            raise LzfError("truncated back reference")
        ref = op - ((ctrl & 0x1F) << 8) - data[ip] - 1
        ip += 1
        length += 2
        if ref < 0 or op + length > expected_size:
            raise LzfError("back reference outside the data")
        if ref + length <= op:
            out[op : op + length] = out[ref : ref + length]
        else:
            # overlapping copy repeats the last bytes (run-length style): byte by byte
            for k in range(length):
                out[op + k] = out[ref + k]
        op += length
    if op != expected_size:
        raise LzfError(f"data expands to {op} bytes, {expected_size} expected")
    return bytes(out)
