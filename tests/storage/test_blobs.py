"""The content-addressed blob store: layout, dedupe, atomic commit, size limit."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from ontolabel.errors import MediaError, NotFound, TooLarge
from ontolabel.storage.blobs import BlobStore

DATA = b"ontolabel blob store test bytes\n" * 1000
SHA = hashlib.sha256(DATA).hexdigest()


def test_files_live_at_their_content_address(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "media")
    assert store.put_bytes(DATA) == SHA
    path = tmp_path / "media" / SHA[:2] / SHA[2:4] / SHA
    assert store.path(SHA) == path
    assert path.read_bytes() == DATA


def test_staging_hashes_while_copying_and_commit_dedupes(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "media")
    with store.stage(io.BytesIO(DATA), name="a.bin") as staged:
        assert (staged.sha256, staged.size) == (SHA, len(DATA))
        first = store.commit(staged)
    source = tmp_path / "copy.bin"
    source.write_bytes(DATA)
    with store.stage(source, name="copy.bin") as staged:
        second = store.commit(staged)
    assert first == second
    assert first.read_bytes() == DATA
    # nothing is left behind in staging, committed or not
    assert list(store.staging.iterdir()) == []


def test_a_stream_is_not_closed_by_staging(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "media")
    stream = io.BytesIO(DATA)
    with store.stage(stream, name="a") as staged:
        assert staged.size == len(DATA)
    assert not stream.closed


def test_oversized_input_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "media")
    with (
        pytest.raises(TooLarge) as err,
        store.stage(io.BytesIO(DATA), name="big.mp4", max_size=1000),
    ):
        pass
    assert isinstance(err.value, MediaError)
    assert err.value.location.file == "big.mp4"
    assert list(store.staging.iterdir()) == []
    assert not store.exists(SHA)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "A" * 64, "abc", SHA + "0"])
def test_only_sha256_names_resolve(tmp_path: Path, bad: str) -> None:
    with pytest.raises(NotFound):
        BlobStore(tmp_path).path(bad)


def test_existing_answers_for_many_shas_at_once_as_exists_does_one_by_one(
    tmp_path: Path,
) -> None:
    store = BlobStore(tmp_path / "media")
    other = hashlib.sha256(b"other").hexdigest()
    assert store.put_bytes(DATA) == SHA
    # a folder where a blob would be is no blob
    (tmp_path / "media" / other[:2] / other[2:4] / other).mkdir(parents=True)
    asked = [SHA, other, SHA, hashlib.sha256(b"absent").hexdigest(), "../../etc/passwd", ""]
    assert store.existing(asked) == {SHA}
    assert {s for s in asked if s and s[0] != "." and store.exists(s)} == {SHA}
    assert store.existing([]) == set()
