"""Media over HTTP: exact byte ranges for seeking (206/416), access by project membership,
browser renditions of DICOM, audio waveform peaks."""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydicom.data import get_testdata_file
from tests.conftest import IMAGE_ONTOLOGY

AUDIO_ONTOLOGY = {
    "name": "Calls",
    "classes": [{"name": "Speech", "geometry": {"audio": ["interval"]}}],
}
RATE = 8000


def sine_wav(seconds: float = 1.0) -> bytes:
    """A 440 Hz sine at half scale, 16-bit mono."""
    frames = b"".join(
        struct.pack("<h", int(16383 * math.sin(2 * math.pi * 440 * i / RATE)))
        for i in range(int(RATE * seconds))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)
    return out.getvalue()


@pytest.fixture
def audio(client: TestClient) -> tuple[int, str, bytes]:
    pid = client.post(
        "/api/projects", json={"name": "Calls", "modality": "audio", "ontology": AUDIO_ONTOLOGY}
    ).json()["id"]
    data = sine_wav()
    added = client.post(
        f"/api/projects/{pid}/items", files=[("files", ("call.wav", data, "audio/wav"))]
    )
    assert added.status_code == 201, added.text
    item = added.json()["items"][0]
    return item["id"], item["media"][0]["sha256"], data


def test_whole_file_advertises_ranges(client: TestClient, audio: tuple[int, str, bytes]) -> None:
    _, sha, data = audio
    reply = client.get(f"/api/media/{sha}")
    assert reply.status_code == 200
    assert reply.content == data
    assert reply.headers["accept-ranges"] == "bytes"
    assert reply.headers["content-type"].startswith("audio/")


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=10-19", 10, 19),
        ("bytes=-16", -16, None),
        ("bytes=44-", 44, None),
    ],
)
def test_a_range_is_206_with_exactly_those_bytes(
    client: TestClient, audio: tuple[int, str, bytes], header: str, start: int, end: int | None
) -> None:
    _, sha, data = audio
    size = len(data)
    first = start % size
    last = size - 1 if end is None else end
    reply = client.get(f"/api/media/{sha}", headers={"Range": header})
    assert reply.status_code == 206
    assert reply.content == data[first : last + 1]
    assert reply.headers["content-range"] == f"bytes {first}-{last}/{size}"
    assert int(reply.headers["content-length"]) == last - first + 1


def test_a_range_past_the_end_is_416(client: TestClient, audio: tuple[int, str, bytes]) -> None:
    _, sha, data = audio
    reply = client.get(f"/api/media/{sha}", headers={"Range": f"bytes={len(data)}-"})
    assert reply.status_code == 416
    assert reply.headers["content-range"] == f"bytes */{len(data)}"


def test_media_is_refused_to_non_members(
    outsider_client: TestClient, audio: tuple[int, str, bytes]
) -> None:
    _, sha, _ = audio
    reply = outsider_client.get(f"/api/media/{sha}", headers={"Range": "bytes=0-9"})
    assert reply.status_code == 403
    assert reply.json()["error"] == "Forbidden"


def test_waveform_peaks_follow_the_signal(
    client: TestClient, audio: tuple[int, str, bytes]
) -> None:
    iid, _, _ = audio
    reply = client.get(f"/api/items/{iid}/waveform?buckets=10")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["buckets"] == 10 and len(body["peaks"]) == 10
    assert body["duration"] == pytest.approx(1.0)
    for low, high in body["peaks"]:
        # a half-scale sine: each slice of 100 ms holds whole periods
        assert low == pytest.approx(-0.5, abs=0.01) and high == pytest.approx(0.5, abs=0.01)


def test_dicom_is_served_as_png_for_display(client: TestClient) -> None:
    pid = client.post(
        "/api/projects", json={"name": "CT", "modality": "image", "ontology": IMAGE_ONTOLOGY}
    ).json()["id"]
    raw = Path(get_testdata_file("CT_small.dcm")).read_bytes()
    added = client.post(
        f"/api/projects/{pid}/items", files=[("files", ("ct.dcm", raw, "application/dicom"))]
    )
    assert added.status_code == 201, added.text
    item = client.get(f"/api/items/{added.json()['items'][0]['id']}").json()
    (url,) = item["media_urls"]
    assert url.endswith("?display=1")
    shown = client.get(url)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    assert shown.content.startswith(b"\x89PNG\r\n\x1a\n")
    original = client.get(url.split("?")[0])
    assert original.content == raw
