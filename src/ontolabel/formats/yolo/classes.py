"""The class list of a YOLO dataset: ids are positions in a names file.

Darknet keeps one name per line in ``obj.names`` (Label Studio and others call it
``classes.txt``), located by ``obj.data``'s ``names = data/obj.names`` when there is one;
Ultralytics keeps ``names`` in ``data.yaml``, as a list or an ``{id: name}`` map, with
``kpt_shape`` for pose datasets. On export the ids are the ontology's leaf classes in
document order (the classes an annotator can pick; an inner class has no id of its own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ontolabel.core.ontology import Ontology
from ontolabel.errors import FormatError, Location
from ontolabel.formats.yolo.lines import KeypointShape

NAMES_FILES = ("obj.names", "classes.txt")
DARKNET_DATA = "obj.data"
YAML_SUFFIXES = (".yaml", ".yml")
# obj.data's keys that are not subsets (datumaro and Darknet read the others as subsets)
DARKNET_RESERVED = frozenset({"classes", "names", "backup", "eval", "results"})
_DATA_LINE = re.compile(r"^\s*(\w+)\s*=\s*(.*?)\s*$")
# data.yaml has no key for the task (an OBB line and a 4-point polygon line look alike), and
# a key of our own would be read as a subset by datumaro: ontolabel says it in a comment
TASK_COMMENT = "# ontolabel export, task: {task}"
_TASK = re.compile(r"^#\s*ontolabel export, task: (detect|segment|pose|obb)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ClassList:
    names: dict[int, str]
    file: str  # what errors about an id call the list
    keypoints: KeypointShape | None = None
    task: str | None = None  # as an ontolabel export's comment says, else unknown

    def name_of(self, index: int) -> str:
        try:
            return self.names[index]
        except KeyError:
            ids = sorted(self.names)
            if not ids:
                known = "it names no class"
            elif ids == list(range(len(ids))):
                known = f"ids 0..{ids[-1]}"
            else:
                known = "ids " + ", ".join(map(str, ids))
            raise ValueError(f"class id {index} is not in {self.file} ({known})") from None


def leaf_classes(ontology: Ontology) -> list[str]:
    return [name for name in ontology.class_names() if ontology.is_leaf(name)]


def read_darknet_data(path: Path) -> dict[str, str]:
    """``key = value`` lines of an ``obj.data`` file."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _DATA_LINE.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def localize(root: Path, value: str) -> Path:
    """A path named in obj.data or a list file: Darknet prefixes them with ``data/`` (its own
    working folder), which is the dataset's root here."""
    relative = value.strip().replace("\\", "/")
    if relative.startswith("data/"):
        relative = relative[len("data/") :]
    return root / relative


def names_file(root: Path) -> Path | None:
    """The Darknet names file of a dataset: obj.data's ``names``, else a known file name."""
    data = root / DARKNET_DATA
    if data.is_file():
        named = read_darknet_data(data).get("names")
        found = localize(root, named) if named else None
        # only a file inside the dataset: obj.data is input, and may name any path
        if found and found.resolve().is_relative_to(root.resolve()) and found.is_file():
            return found
    return next((root / n for n in NAMES_FILES if (root / n).is_file()), None)


def read_names_file(root: Path, path: Path) -> ClassList:
    shown = path.resolve().relative_to(root.resolve()).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", location=Location(file=shown)) from exc
    names = [line.strip() for line in text.splitlines()]
    while names and not names[-1]:
        names.pop()
    for number, name in enumerate(names, start=1):
        if not name:
            raise FormatError(
                "an empty line in the class list: ids are line positions, so every line "
                "must name a class",
                location=Location(file=shown, line=number),
            )
    data = root / DARKNET_DATA
    if data.is_file():
        declared = read_darknet_data(data).get("classes")
        if declared is not None and declared.strip() != str(len(names)):
            raise FormatError(
                f"obj.data says classes = {declared.strip()}, but {shown} names {len(names)}",
                location=Location(file=DARKNET_DATA),
            )
    return ClassList(dict(enumerate(names)), shown)


def yaml_file(root: Path) -> Path | None:
    """The Ultralytics dataset file: ``data.yaml``, else the one YAML file with ``names``."""
    for name in ("data.yaml", "data.yml", "dataset.yaml"):
        if (root / name).is_file():
            return root / name
    found = [p for p in sorted(root.iterdir()) if p.suffix.lower() in YAML_SUFFIXES]
    return found[0] if len(found) == 1 else None


def load_yaml(root: Path, path: Path) -> dict[str, Any]:
    shown = path.relative_to(root).as_posix()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FormatError("not UTF-8 text", location=Location(file=shown)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatError(
            f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
            location=Location(file=shown, line=mark.line + 1 if mark is not None else None),
        ) from exc
    if not isinstance(data, dict):
        raise FormatError("a dataset YAML file is a mapping of keys", location=Location(file=shown))
    return data


def task_comment(path: Path) -> str | None:
    """The task an ontolabel export wrote into its data.yaml's comment, if it did."""
    match = _TASK.search(path.read_text(encoding="utf-8", errors="replace")[:4096])
    return match.group(1) if match else None


def _name(value: object, shown: str, where: str) -> str:
    # YAML reads `- 1` or `- true` as a number or a bool; a class name is their text
    if isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
        raise FormatError(
            f"a class name must be a non-empty text, got {value!r}",
            location=Location(file=shown, path=where),
        )
    return str(value)


def yaml_classes(root: Path, path: Path, data: dict[str, Any]) -> ClassList:
    shown = path.relative_to(root).as_posix()
    raw = data.get("names")
    names: dict[int, str] = {}
    if isinstance(raw, list):
        names = {i: _name(v, shown, f"names[{i}]") for i, v in enumerate(raw)}
    elif isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(key, bool) or not isinstance(key, int) or key < 0:
                raise FormatError(
                    f"class ids in 'names' are non-negative integers, got {key!r}",
                    location=Location(file=shown, path="names"),
                )
            names[key] = _name(value, shown, f"names.{key}")
    else:
        raise FormatError(
            "'names' must list the class names (a list, or a map of id to name)",
            location=Location(file=shown, path="names"),
        )
    nc = data.get("nc")
    if nc is not None and nc != len(names):
        raise FormatError(
            f"nc is {nc!r}, but 'names' has {len(names)} classes",
            location=Location(file=shown, path="nc"),
        )
    return ClassList(names, shown, _kpt_shape(data.get("kpt_shape"), shown), task_comment(path))


def _kpt_shape(raw: object, shown: str) -> KeypointShape | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw)
        or raw[0] < 1
        or raw[1] not in (2, 3)
    ):
        raise FormatError(
            f"kpt_shape must be [number of keypoints, 2 or 3], got {raw!r}",
            location=Location(file=shown, path="kpt_shape"),
        )
    return KeypointShape(raw[0], raw[1])
