"""What every format shares: where a media reference's bytes may be found."""

from __future__ import annotations

from pathlib import Path

from ontolabel.formats import MediaRef


def test_a_media_ref_offers_its_given_paths_then_those_under_its_folder(tmp_path: Path) -> None:
    ref = MediaRef(
        name="a.jpg",
        candidates=(tmp_path / "pics" / "a.jpg",),
        folder=tmp_path,
        relative=("media/" + "0" * 64, "a.jpg"),
    )
    assert list(ref.paths()) == [
        tmp_path / "pics" / "a.jpg",
        tmp_path / "media" / ("0" * 64),
        tmp_path / "a.jpg",
    ]
    assert list(MediaRef(name="a.jpg", relative=("a.jpg",)).paths()) == []  # no folder: none
