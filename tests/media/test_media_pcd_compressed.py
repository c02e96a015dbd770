"""PCD ``binary_compressed`` (LZF), checked against an independent writer (pypcd4), and
the plain binary PCD the browser gets for clouds it cannot parse."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from pypcd4 import Encoding, PointCloud

from ontolabel.errors import MediaError
from ontolabel.media import load_points, probe, render_display
from ontolabel.media.lzf import LzfError, lzf_decompress

KITTI_FRAME = "datumaro/tests/assets/kitti_dataset/kitti_3d/training/velodyne/000001.bin"


@pytest.mark.parametrize(
    ("packed", "expected"),
    [
        (b"\x02abc", b"abc"),  # one literal run of 3
        # "abc", then a back reference of length 6 at distance 3: the copy overlaps itself
        (b"\x02abc\x80\x02", b"abcabcabc"),
        # length 7 + extra byte 3 + 2 = 12 bytes from distance 1: a run of one byte
        (b"\x00z\xe0\x03\x00", b"z" * 13),
    ],
)
def test_lzf_tokens(packed: bytes, expected: bytes) -> None:
    assert lzf_decompress(packed, len(expected)) == expected


@pytest.mark.parametrize(
    "packed",
    [b"\x05ab", b"\x02abc\x80\x09", b"\x02abc\x80"],
    ids=["short-literal", "reference-before-start", "truncated-reference"],
)
def test_lzf_rejects_bad_streams(packed: bytes) -> None:
    with pytest.raises(LzfError):
        lzf_decompress(packed, 9)


def _compressed_cloud(path: Path, points: np.ndarray) -> Path:
    PointCloud.from_xyzi_points(points).save(path, encoding=Encoding.BINARY_COMPRESSED)
    assert b"DATA binary_compressed" in path.read_bytes()[:400]
    return path


def test_compressed_pcd_matches_what_pypcd4_wrote(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    points = rng.normal(scale=20, size=(5000, 4)).astype(np.float32)
    points[:2500] = np.round(points[:2500])  # repeated bytes: LZF back references
    path = _compressed_cloud(tmp_path / "scan.pcd", points)
    assert np.array_equal(load_points(path), points.astype(np.float64))
    info = probe(path, "scan.pcd")
    assert info.point_count == 5000 and info.mime == "application/x-pcd"
    # the browser gets an uncompressed copy with the same points
    rendered = render_display(path, info)
    assert rendered is not None and rendered[1] == "application/x-pcd"
    plain = tmp_path / "plain.pcd"
    plain.write_bytes(rendered[0])
    assert b"DATA binary\n" in rendered[0][:400]
    assert np.array_equal(load_points(plain), points.astype(np.float64))


def test_uncompressed_clouds_are_served_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "plain.pcd"
    PointCloud.from_xyz_points(np.ones((4, 3), np.float32)).save(path, encoding=Encoding.BINARY)
    assert render_display(path, probe(path, "plain.pcd")) is None
    npy = tmp_path / "cloud.npy"
    np.save(npy, np.zeros((3, 3)))
    assert render_display(npy, probe(npy, "cloud.npy")) is None


def test_kitti_scan_is_served_as_pcd(corpus: Callable[[str], Path], tmp_path: Path) -> None:
    path = corpus(KITTI_FRAME)
    rendered = render_display(path, probe(path, "000001.bin"))
    assert rendered is not None
    plain = tmp_path / "scan.pcd"
    plain.write_bytes(rendered[0])
    assert np.array_equal(load_points(plain), load_points(path))


def test_corrupt_compressed_body(tmp_path: Path) -> None:
    path = _compressed_cloud(tmp_path / "scan.pcd", np.ones((100, 4), np.float32))
    data = bytearray(path.read_bytes())
    body = data.index(b"binary_compressed\n") + len(b"binary_compressed\n")
    data[body + 8 :] = b"\xff" * (len(data) - body - 8)  # a reference to before the start
    path.write_bytes(bytes(data))
    with pytest.raises(MediaError, match="corrupt") as caught:
        probe(path, "scan.pcd")
    assert caught.value.location.file == "scan.pcd"
