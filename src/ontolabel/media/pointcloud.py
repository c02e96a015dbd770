"""Point clouds: PCD (ASCII and binary), KITTI velodyne ``.bin`` and NumPy ``.npy``.

``load_points`` always returns an (N, 3) or (N, 4) float64 array in the file's own
frame: x, y, z in metres and, when the file has one, the intensity as 4th column.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ontolabel.media.failure import decoding, media_error
from ontolabel.media.limits import DEFAULT_LIMITS, MediaLimits
from ontolabel.media.lzf import LzfError, lzf_decompress
from ontolabel.media.sniff import Container, read_head, sniff

Points = npt.NDArray[np.float64]

# PCD TYPE letter and SIZE in bytes -> NumPy dtype
_PCD_TYPES: dict[tuple[str, int], str] = {
    ("F", 4): "f4",
    ("F", 8): "f8",
    ("I", 1): "i1",
    ("I", 2): "i2",
    ("I", 4): "i4",
    ("I", 8): "i8",
    ("U", 1): "u1",
    ("U", 2): "u2",
    ("U", 4): "u4",
    ("U", 8): "u8",
}
# a PCD header is a few hundred bytes; this bounds how far we look for its DATA line
PCD_HEADER_MAX = 64 * 1024
_INTENSITY_FIELDS = ("intensity", "i", "reflectance", "remission")


@dataclass(frozen=True)
class PcdHeader:
    fields: list[str]
    sizes: list[int]
    types: list[str]
    counts: list[int]
    points: int
    data: str
    data_offset: int  # byte offset of the first point


def parse_pcd_header(raw: bytes, name: str) -> PcdHeader:
    values: dict[str, list[str]] = {}
    offset = 0
    for line in raw.split(b"\n"):
        offset += len(line) + 1
        text = line.decode("ascii", errors="replace").strip()
        if not text or text.startswith("#"):
            continue
        key, _, rest = text.partition(" ")
        values[key.upper()] = rest.split()
        if key.upper() == "DATA":
            break
    else:
        raise media_error(name, "PCD header has no DATA line", "the header may be truncated")
    try:
        fields = values["FIELDS"]
        sizes = [int(v) for v in values["SIZE"]]
        types = [v.upper() for v in values["TYPE"]]
        counts = [int(v) for v in values.get("COUNT", ["1"] * len(fields))]
        if "POINTS" in values:
            points = int(values["POINTS"][0])
        else:
            points = int(values["WIDTH"][0]) * int(values.get("HEIGHT", ["1"])[0])
        data = values["DATA"][0].lower()
    except (KeyError, IndexError, ValueError) as exc:
        raise media_error(name, f"PCD header is incomplete or malformed ({exc})") from exc
    if not (len(fields) == len(sizes) == len(types) == len(counts)):
        raise media_error(name, "PCD header FIELDS, SIZE, TYPE and COUNT differ in length")
    return PcdHeader(fields, sizes, types, counts, points, data, offset)


def _pcd_dtype(header: PcdHeader, name: str) -> np.dtype[np.void]:
    parts: list[tuple[str, str] | tuple[str, str, tuple[int]]] = []
    for index, (field, size, kind, count) in enumerate(
        zip(header.fields, header.sizes, header.types, header.counts, strict=True)
    ):
        code = _PCD_TYPES.get((kind, size))
        if code is None:
            raise media_error(name, f"PCD field {field!r} has unsupported TYPE {kind} SIZE {size}")
        # padding fields are often all named "_"; names must be unique for NumPy
        label = field if field != "_" else f"_pad{index}"
        parts.append((label, "<" + code) if count == 1 else (label, "<" + code, (count,)))
    return np.dtype(parts)


def _select_xyzi(table: Any, fields: list[str], name: str) -> Points:
    lower = {f.lower(): f for f in fields}
    missing = [axis for axis in ("x", "y", "z") if axis not in lower]
    if missing:
        raise media_error(name, f"PCD has no {', '.join(missing)} field", "x, y and z are required")
    columns = [table[lower[axis]].astype(np.float64).reshape(-1) for axis in ("x", "y", "z")]
    for candidate in _INTENSITY_FIELDS:
        if candidate in lower:
            columns.append(table[lower[candidate]].astype(np.float64).reshape(-1))
            break
    return np.stack(columns, axis=1)


def _load_pcd(path: Path, name: str, limits: MediaLimits) -> Points:
    raw = path.read_bytes()
    header = parse_pcd_header(raw[:PCD_HEADER_MAX], name)
    _check_count(header.points, name, limits)
    body = raw[header.data_offset :]
    if header.data == "ascii":
        width = sum(header.counts)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an empty body warns; it is refused just below
                numbers = np.loadtxt(
                    io.BytesIO(body), dtype=np.float64, ndmin=2, max_rows=header.points
                )
        except ValueError as exc:
            raise media_error(name, f"PCD body is not {width} numbers per row ({exc})") from exc
        if numbers.shape != (header.points, width):
            raise media_error(
                name,
                f"PCD body has {numbers.shape[0]} rows for {header.points} points",
                "file truncated?",
            )
        table: dict[str, np.ndarray] = {}
        column = 0
        for field, count in zip(header.fields, header.counts, strict=True):
            table[field] = numbers[:, column] if count == 1 else numbers[:, column : column + count]
            column += count
        return _select_xyzi(table, header.fields, name)
    if header.data == "binary":
        dtype = _pcd_dtype(header, name)
        need = dtype.itemsize * header.points
        if len(body) < need:
            raise media_error(
                name, f"PCD body has {len(body)} bytes, {need} expected", "file truncated?"
            )
        records = np.frombuffer(body, dtype=dtype, count=header.points)
        names = [n for n in (dtype.names or ())]
        return _select_xyzi(records, names, name)
    if header.data == "binary_compressed":
        return _select_xyzi(_compressed_columns(body, header, name), header.fields, name)
    raise media_error(
        name,
        f"PCD DATA {header.data} is not supported",
        "save the cloud as DATA ascii, binary or binary_compressed",
    )


def _compressed_columns(body: bytes, header: PcdHeader, name: str) -> dict[str, np.ndarray]:
    """binary_compressed: two little-endian uint32 sizes, then LZF data that expands to
    each field's values for all points, one field after another."""
    if len(body) < 8:
        raise media_error(name, "compressed PCD body has no size header", "file truncated?")
    packed, unpacked = (int(v) for v in np.frombuffer(body[:8], dtype="<u4"))
    dtype = _pcd_dtype(header, name)
    need = dtype.itemsize * header.points
    if unpacked != need:
        raise media_error(name, f"compressed PCD expands to {unpacked} bytes, {need} expected")
    if len(body) < 8 + packed:
        raise media_error(name, "compressed PCD body is truncated", "file truncated?")
    try:
        raw = lzf_decompress(body[8 : 8 + packed], unpacked)
    except LzfError as exc:
        raise media_error(name, f"compressed PCD data is corrupt ({exc})") from exc
    columns: dict[str, np.ndarray] = {}
    offset = 0
    for field_name in dtype.names or ():
        field_type = dtype[field_name]
        count = int(np.prod(field_type.shape)) if field_type.shape else 1
        values = np.frombuffer(
            raw, dtype=field_type.base, count=count * header.points, offset=offset
        )
        columns[field_name] = values if count == 1 else values.reshape(header.points, count)
        offset += field_type.base.itemsize * count * header.points
    return columns


def _load_kitti(path: Path, name: str, limits: MediaLimits) -> Points:
    size = path.stat().st_size
    if size == 0 or size % 16:
        raise media_error(name, f"KITTI .bin size {size} is not a whole number of 16-byte points")
    _check_count(size // 16, name, limits)
    return np.fromfile(path, dtype="<f4").reshape(-1, 4).astype(np.float64)


def _load_npy(path: Path, name: str, limits: MediaLimits) -> Points:
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise media_error(
            name, f"not a readable .npy array ({exc})", "save it with numpy.save"
        ) from exc
    if array.ndim != 2 or array.shape[1] not in (3, 4):
        raise media_error(name, f".npy array has shape {array.shape}; (N, 3) or (N, 4) expected")
    if array.dtype.kind not in "fiu":
        raise media_error(name, f".npy array has dtype {array.dtype}; numbers expected")
    _check_count(int(array.shape[0]), name, limits)
    return np.array(array, dtype=np.float64)


def _check_count(count: int, name: str, limits: MediaLimits) -> None:
    if count <= 0:
        raise media_error(name, "point cloud has no points")
    if count > limits.max_points:
        raise media_error(
            name, f"point cloud has {count} points, above the limit of {limits.max_points}"
        )


def load_points_as(
    container: Container, path: Path, name: str, limits: MediaLimits = DEFAULT_LIMITS
) -> Points:
    if container is Container.PCD:
        return _load_pcd(path, name, limits)
    if container is Container.KITTI_BIN:
        return _load_kitti(path, name, limits)
    if container is Container.NPY:
        return _load_npy(path, name, limits)
    raise media_error(name, "not a point cloud file", "use .pcd, KITTI .bin or .npy")


def load_points(
    path: Path, name: str | None = None, limits: MediaLimits = DEFAULT_LIMITS
) -> Points:
    """The points of a .pcd, KITTI .bin or .npy file as an (N, 3|4) float64 array."""
    label = name or path.name
    if not path.is_file():
        raise media_error(label, "file does not exist")
    found = sniff(read_head(path), label, path.stat().st_size)
    if found is None:
        raise media_error(label, "not a point cloud file", "use .pcd, KITTI .bin or .npy")
    with decoding(label):
        return load_points_as(found[0], path, label, limits)


def pcd_binary_bytes(points: Points) -> bytes:
    """A binary PCD of x y z (float32) and, for 4 columns, intensity."""
    has_intensity = points.shape[1] == 4
    fields = "x y z intensity" if has_intensity else "x y z"
    n = len(points)
    width = 4 if has_intensity else 3
    header = (
        "# .PCD v0.7 - Point Cloud Data file format\nVERSION 0.7\n"
        f"FIELDS {fields}\nSIZE {' '.join(['4'] * width)}\nTYPE {' '.join(['F'] * width)}\n"
        f"COUNT {' '.join(['1'] * width)}\nWIDTH {n}\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\n"
        f"POINTS {n}\nDATA binary\n"
    )
    return header.encode("ascii") + np.ascontiguousarray(points[:, :width], dtype="<f4").tobytes()


def write_pcd_binary(points: Points, path: Path) -> None:
    """Write ``pcd_binary_bytes(points)`` to ``path``; for exports and tests."""
    path.write_bytes(pcd_binary_bytes(points))


def pcd_data_kind(path: Path, name: str) -> str:
    """The DATA kind of a PCD file: ascii, binary or binary_compressed."""
    with path.open("rb") as fh:
        head = fh.read(PCD_HEADER_MAX)
    return parse_pcd_header(head, name).data
