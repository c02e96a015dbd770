"""Bad files never escape as bare exceptions: each is a MediaError with the file and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontolabel.errors import MediaError
from ontolabel.media import MediaLimits, probe


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(MediaError, match="empty") as caught:
        probe(path, "empty.jpg")
    assert caught.value.location.file == "empty.jpg"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        probe(tmp_path / "nope.png", "nope.png")


def test_unknown_content_names_what_is_supported(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("just some text, not a picture\n")
    with pytest.raises(MediaError, match="unsupported") as caught:
        probe(path, "notes.jpg")
    assert caught.value.hint is not None and "JPEG" in caught.value.hint


def test_oversized_file_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "huge.wav"
    path.write_bytes(b"RIFF" + b"\0" * 2000)
    with pytest.raises(MediaError, match="above the limit") as caught:
        probe(path, "huge.wav", MediaLimits(max_bytes=1000))
    assert caught.value.location.file == "huge.wav"


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("fake.mp4", b"\0\0\0\x18ftypisom\0\0\0\0isomiso2" + b"\xde\xad" * 500),
        ("fake.wav", b"RIFF\x24\0\0\0WAVEfmt " + b"\x01" * 40),
        ("fake.dcm", b"\0" * 128 + b"DICM" + b"\x02\x00" * 40),
        ("fake.pcd", b"VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\n"),
        ("fake.npy", b"\x93NUMPY\x01\x00garbage"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 30),
    ],
)
def test_corrupt_files_of_every_kind(tmp_path: Path, name: str, head: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(head)
    with pytest.raises(MediaError) as caught:
        probe(path, name)
    assert caught.value.location.file == name


def test_a_name_longer_than_kept_is_said_plainly(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    name = "n" * 501 + ".png"
    with pytest.raises(MediaError) as caught:
        probe(path, name)
    assert caught.value.message == "the file's name has 505 characters; ontolabel keeps at most 500"
    assert caught.value.hint == "rename the file"
