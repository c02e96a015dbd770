"""Point clouds: PCD (ASCII, binary), KITTI .bin and .npy load to (N, 3|4) float64 arrays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from ontolabel.core.modality import Modality
from ontolabel.errors import MediaError
from ontolabel.media import MediaLimits, load_points, probe, write_pcd_binary

KITTI_FRAME = "datumaro/tests/assets/kitti_dataset/kitti_3d/training/velodyne/000001.bin"
KITTI_CALIB = "datumaro/tests/assets/kitti_dataset/kitti_3d/training/calib/000001.txt"
ASCII_PCD = "datumaro/tests/assets/kitti_dataset/kitti_raw/velodyne_points/data/0000000000.pcd"
BINARY_PCD = "datumaro/tests/assets/kitti_dataset/kitti_raw/velodyne_points/data/0000000001.pcd"


def _kitti_calib(path: Path) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for line in path.read_text().splitlines():
        if ":" in line:
            key, values = line.split(":", 1)
            out[key] = np.array([float(v) for v in values.split()])
    return out


def test_real_kitti_scan_projects_into_its_camera(corpus: Callable[[str], Path]) -> None:
    path = corpus(KITTI_FRAME)
    info = probe(path, "000001.bin")
    assert info.modality is Modality.POINTCLOUD
    assert info.point_count == 18630 == path.stat().st_size // 16
    points = load_points(path)
    assert points.shape == (18630, 4) and points.dtype == np.float64
    # the frame is cropped to the camera's view, 5..77 m ahead (SOURCES.md of the corpus)
    assert points[:, 0].min() > 4.5 and points[:, 0].max() < 78
    assert ((points[:, 3] >= 0) & (points[:, 3] <= 1)).all()  # reflectance
    calib = _kitti_calib(corpus(KITTI_CALIB))
    p2 = calib["P2"].reshape(3, 4)
    r0 = np.eye(4)
    r0[:3, :3] = calib["R0_rect"].reshape(3, 3)
    velo_to_cam = np.vstack([calib["Tr_velo_to_cam"].reshape(3, 4), [0, 0, 0, 1]])
    homogeneous = np.hstack([points[:, :3], np.ones((len(points), 1))])
    uvw = (p2 @ r0 @ velo_to_cam @ homogeneous.T).T
    assert (uvw[:, 2] > 0).all()
    u, v = uvw[:, 0] / uvw[:, 2], uvw[:, 1] / uvw[:, 2]
    inside = (u >= -1) & (u <= 1243) & (v >= -1) & (v <= 376)
    assert inside.mean() > 0.99


def test_ascii_pcd_reads_every_value(corpus: Callable[[str], Path]) -> None:
    path = corpus(ASCII_PCD)
    points = load_points(path)
    lines = path.read_text().splitlines()
    body = lines[lines.index("DATA ascii") + 1 :]
    expected = np.array([[float(v) for v in line.split()] for line in body if line.strip()])
    assert points.shape == (100, 3)
    assert np.array_equal(points, expected)
    assert probe(path, "frame.pcd").point_count == 100


def test_binary_pcd_from_corpus(corpus: Callable[[str], Path]) -> None:
    path = corpus(BINARY_PCD)
    points = load_points(path)
    assert points.shape[0] == 200 and points.shape[1] in (3, 4)
    raw = np.frombuffer(path.read_bytes()[-200 * 12 :], dtype="<f4").reshape(200, 3)
    assert np.array_equal(points[:, :3], raw.astype(np.float64))


def test_binary_pcd_with_padding_and_extra_fields(tmp_path: Path) -> None:
    # field order, a padding field and an rgb column must not confuse x, y, z, intensity
    layout = np.dtype(
        [
            ("rgb", "<f4"),
            ("_pad0", "<u1", (3,)),
            ("z", "<f8"),
            ("x", "<f4"),
            ("y", "<f4"),
            ("intensity", "<u2"),
        ]
    )
    rows = np.zeros(5, dtype=layout)
    rows["x"], rows["y"], rows["z"] = (
        [1, 2, 3, 4, 5],
        [-1, -2, -3, -4, -5],
        [0.5, 0.25, 0.125, 1, 2],
    )
    rows["intensity"] = [10, 20, 30, 40, 50]
    header = (
        "VERSION 0.7\nFIELDS rgb _ z x y intensity\nSIZE 4 1 8 4 4 2\nTYPE F U F F F U\n"
        "COUNT 1 3 1 1 1 1\nWIDTH 5\nHEIGHT 1\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS 5\nDATA binary\n"
    )
    path = tmp_path / "cloud.pcd"
    path.write_bytes(header.encode() + rows.tobytes())
    points = load_points(path)
    assert points.tolist() == [
        [1, -1, 0.5, 10],
        [2, -2, 0.25, 20],
        [3, -3, 0.125, 30],
        [4, -4, 1, 40],
        [5, -5, 2, 50],
    ]


def test_pcd_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    cloud = rng.normal(size=(1000, 4)).astype(np.float32).astype(np.float64)
    path = tmp_path / "out.pcd"
    write_pcd_binary(cloud, path)
    assert np.array_equal(load_points(path), cloud)
    assert probe(path, "out.pcd").extra == {"has_intensity": True}


@pytest.mark.parametrize("columns", [3, 4])
def test_npy_round_trip_keeps_float64(tmp_path: Path, columns: int) -> None:
    cloud = np.random.default_rng(1).normal(size=(50, columns))
    path = tmp_path / "cloud.npy"
    np.save(path, cloud)
    assert np.array_equal(load_points(path), cloud)
    info = probe(path, "cloud.npy")
    assert info.point_count == 50 and info.mime == "application/x-npy"


@pytest.mark.parametrize(
    "array",
    [np.zeros((10, 2)), np.zeros((3, 3, 3)), np.array([["a", "b", "c"]]), np.zeros((0, 3))],
    ids=["two-columns", "3d", "strings", "no-points"],
)
def test_npy_of_the_wrong_shape_or_type(tmp_path: Path, array: np.ndarray) -> None:
    path = tmp_path / "bad.npy"
    np.save(path, array)
    with pytest.raises(MediaError) as caught:
        probe(path, "bad.npy")
    assert caught.value.location.file == "bad.npy"


def test_pickled_npy_is_never_unpickled(tmp_path: Path) -> None:
    path = tmp_path / "evil.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(MediaError, match="readable"):
        load_points(path)


def test_truncated_binary_pcd(tmp_path: Path) -> None:
    path = tmp_path / "cut.pcd"
    write_pcd_binary(np.ones((100, 3)), path)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(MediaError, match="truncated"):
        load_points(path)


def test_unknown_pcd_data_kind_has_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "odd.pcd"
    path.write_bytes(
        b"VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 1\nHEIGHT 1\n"
        b"POINTS 1\nDATA xml\n<points/>"
    )
    with pytest.raises(MediaError, match="DATA xml") as caught:
        probe(path, "odd.pcd")
    assert caught.value.hint is not None and "binary_compressed" in caught.value.hint


def test_bin_that_is_not_whole_points_is_unrecognised(tmp_path: Path) -> None:
    path = tmp_path / "odd.bin"
    path.write_bytes(b"\0" * 17)
    with pytest.raises(MediaError, match="unsupported"):
        probe(path, "odd.bin")


def test_point_limit(tmp_path: Path) -> None:
    path = tmp_path / "many.npy"
    np.save(path, np.zeros((101, 3)))
    with pytest.raises(MediaError, match="limit"):
        probe(path, "many.npy", MediaLimits(max_points=100))
