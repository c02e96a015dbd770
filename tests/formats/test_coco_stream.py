"""COCO import streams: memory does not grow with the annotations, the records are those the
file means (whatever the order of its keys, images and annotations), and a broken file is
refused with the line and column json.loads gives, before any record."""

from __future__ import annotations

import gc
import json
import random
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from ontolabel.core.geometry import Box
from ontolabel.errors import FormatError
from ontolabel.formats import ErrorPolicy, ImportRecord, get_format
from ontolabel.formats.coco import packing, stream
from ontolabel.formats.coco.spool import AnnotationSpool
from ontolabel.formats.json_syntax import not_json

CLASSES = ["car", "Fußgänger", "東京", "dog"]


def read(path: Path, mode: str = "collect") -> tuple[list[ImportRecord], ErrorPolicy]:
    policy = ErrorPolicy(mode)  # type: ignore[arg-type]
    return list(get_format("coco").read(path, policy)), policy


def dataset(
    images: int, boxes: int, *, seed: int = 0, shuffle_ids: bool = False, shuffle: bool = False
) -> dict[str, Any]:
    """``images`` images and ``boxes`` boxes on them, as our exporter writes them (exact
    geometry beside bbox and segmentation); optionally with image ids out of order and the
    annotations in random order."""
    rng = random.Random(seed)
    ids = list(range(1, images + 1))
    if shuffle_ids:
        rng.shuffle(ids)
    anns: list[dict[str, Any]] = []
    for k in range(boxes):
        x, y = rng.randint(0, 500) / 2, rng.randint(0, 300) / 2
        w, h = rng.randint(1, 80) / 4, rng.randint(1, 80) / 4
        anns.append(
            {
                "id": k + 1,
                "image_id": ids[rng.randrange(images)],
                "category_id": rng.randint(1, len(CLASSES)),
                "bbox": [x, y, w, h],
                "area": w * h,
                "iscrowd": 0,
                "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]],
                "ontolabel_geometry": {"kind": "box", "x1": x, "y1": y, "x2": x + w, "y2": y + h},
            }
        )
    if not shuffle:
        order = {image_id: i for i, image_id in enumerate(ids)}
        anns.sort(key=lambda a: order[a["image_id"]])
    return {
        "info": {"description": "stream test"},
        "images": [
            {"id": image_id, "file_name": f"ímg_{i:04d}_東.jpg", "width": 640, "height": 480}
            for i, image_id in enumerate(ids)
        ],
        "annotations": anns,
        "categories": [{"id": i + 1, "name": n} for i, n in enumerate(CLASSES)],
    }


def write(path: Path, data: dict[str, Any], order: list[str] | None = None) -> Path:
    """The file with its top-level keys in ``order`` (one annotation per line, as usual)."""
    keys = order or list(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = []
    for key in keys:
        value = data[key]
        if isinstance(value, list):
            body = ",\n".join(json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{body}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    path.write_text("{" + ",\n".join(parts) + "}\n", encoding="utf-8")
    return path


def expected(path: Path) -> list[tuple[str, list[tuple[str, str, Box]]]]:
    """What the file means, from json.loads: per image in the file's image order, its boxes
    (object id, class, box) in the file's annotation order."""
    data = json.loads(path.read_bytes())
    names = {c["id"]: c["name"] for c in data["categories"]}
    by_image: dict[Any, list[tuple[str, str, Box]]] = {i["id"]: [] for i in data["images"]}
    for ann in data["annotations"]:
        geometry = ann["ontolabel_geometry"]
        box = Box(x1=geometry["x1"], y1=geometry["y1"], x2=geometry["x2"], y2=geometry["y2"])
        by_image[ann["image_id"]].append((str(ann["id"]), names[ann["category_id"]], box))
    return [(i["file_name"], by_image[i["id"]]) for i in data["images"]]


def got(records: list[ImportRecord]) -> list[tuple[str, list[tuple[str, str, Box]]]]:
    out = []
    for record in records:
        objects = record.annotations[0].document.objects if record.annotations else []
        boxes = []
        for o in objects:
            assert isinstance(o.geometry, Box)
            boxes.append((o.id, o.class_name, o.geometry))
        out.append((record.external_id or "", boxes))
    return out


ANNOTATIONS_FIRST = ["annotations", "categories", "info", "images"]


def peak_bytes(path: Path) -> int:
    """tracemalloc's peak while every record is read and dropped (as the importer does)."""
    policy = ErrorPolicy("fail")
    tracemalloc.start()
    try:
        for _ in get_format("coco").read(path, policy):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("order", [None, ANNOTATIONS_FIRST], ids=["images-first", "anns-first"])
def test_memory_does_not_grow_with_the_number_of_annotations(
    tmp_path: Path, order: list[str] | None
) -> None:
    small = write(tmp_path / "small.json", dataset(200, 2_000), order)
    large = write(tmp_path / "large.json", dataset(200, 20_000), order)
    assert large.stat().st_size > 9 * small.stat().st_size
    peak_bytes(small)  # once before: the first read imports and builds what every read uses
    small_peak, large_peak = peak_bytes(small), peak_bytes(large)
    # parsed whole, the 20,000 annotations alone held ~40 MB (2 KB a box): 10x the small file
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
    assert large_peak < 8_000_000


@pytest.mark.parametrize(
    ("options", "order"),
    [
        ({}, None),
        ({"shuffle_ids": True}, None),
        ({"shuffle": True}, None),
        ({"shuffle_ids": True, "shuffle": True}, ANNOTATIONS_FIRST),
        ({"shuffle": True}, ["categories", "annotations", "images"]),
    ],
)
def test_records_are_what_json_loads_says_in_image_order(
    tmp_path: Path, options: dict[str, bool], order: list[str] | None
) -> None:
    path = write(tmp_path / "instances_val.json", dataset(50, 400, seed=3, **options), order)
    records, policy = read(path)
    assert policy.violations == []
    assert got(records) == expected(path)
    assert [r.location.path for r in records] == [f"images[{i}]" for i in range(50)]


@pytest.mark.parametrize("chunk", [7, 4096])
def test_the_order_of_keys_and_the_size_of_reads_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    data = dataset(30, 300, seed=5, shuffle_ids=True, shuffle=True)
    data["annotations"][7]["bbox"] = [0, 0, -1, 2]  # one bad annotation: its image is skipped
    data["annotations"][11] = "not an annotation"
    data["annotations"][12]["image_id"] = 999
    path = tmp_path / "instances_val.json"
    reference, ref_policy = read(write(path, data, None))
    monkeypatch.setattr(stream, "CHUNK", chunk)
    for order in (ANNOTATIONS_FIRST, ["categories", "images", "info", "annotations"]):
        records, policy = read(write(path, data, order))
        assert records == reference  # locations, media, meta, objects: all
        assert policy.violations == ref_policy.violations
    ids = [i["id"] for i in data["images"]]
    skipped = f"ímg_{ids.index(data['annotations'][7]['image_id']):04d}_東.jpg"
    # what names no image is reported first (in file order), then image by image
    assert [(v.location.path, v.location.item) for v in ref_policy.violations] == [
        ("annotations[11]", None),
        ("annotations[12]", None),
        ("annotations[7].bbox", skipped),
    ]
    assert skipped not in [r.external_id for r in reference] and len(reference) == 29


def json_error(text: str) -> tuple[str, int]:
    """What the import said of a broken file when it parsed it whole with json.loads."""
    try:
        json.loads(text.encode())
    except json.JSONDecodeError as exc:
        return not_json(exc.msg, exc.colno, exc.lineno), exc.lineno
    raise AssertionError("valid JSON")


@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_a_file_cut_inside_the_annotations_is_refused_where_it_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(stream, "CHUNK", chunk)
    text = write(tmp_path / "full.json", dataset(20, 200, seed=9)).read_text(encoding="utf-8")
    start = text.index('"annotations"')
    rng = random.Random(chunk)
    cuts = [text.index('"bbox"', start + 5_000) + 9, len(text) - 300]
    cuts += [rng.randrange(start, len(text) - 2) for _ in range(20)]
    for cut in cuts:
        path = tmp_path / "instances_cut.json"
        path.write_text(text[:cut], encoding="utf-8")
        yielded: list[ImportRecord] = []
        with pytest.raises(FormatError) as err:
            for record in get_format("coco").read(path, ErrorPolicy("collect")):
                yielded.append(record)
        # nothing is yielded, not even the images before the cut: the file is refused whole
        assert yielded == []
        message, line = json_error(text[:cut])
        assert message in str(err.value)
        assert err.value.location is not None
        assert (err.value.location.file, err.value.location.line) == (path.name, line)


@pytest.mark.parametrize(
    "text",
    [
        '{"images": [], "annotations": [1,]}',
        '{"images": [], "annotations": [{"image_id": 1} {"image_id": 2}]}',
        '{"images": [],\n\n "annotations": []} trailing',
        '{"images": [], "annotations": [], }',
        '{"images": [] "annotations": []}',
        '{"images" [], "annotations": []}',
        '{"images": [], "annotations": [{"bbox": [1, 2, 3, tru]}]}',
        '{"images": [], "annotations": [{"caption": "unterminated}]}',
        '{"images": [], "annotations": [-]}',
        "{ ",
        "",
    ],
)
@pytest.mark.parametrize("chunk", [3, 1 << 20])
def test_syntax_errors_say_what_json_loads_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, chunk: int
) -> None:
    monkeypatch.setattr(stream, "CHUNK", chunk)
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    message, line = json_error(text)
    with pytest.raises(FormatError) as err:
        read(path)
    assert message in str(err.value)
    assert err.value.location is not None and err.value.location.line == line


def test_bad_bytes_after_a_syntax_error_still_say_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'{"images": [1,, ' + b"x" * 3_000_000 + b"\xff]}")
    with pytest.raises(FormatError, match="not UTF-8 text"):
        read(path)


def test_the_spool_is_removed_when_reading_stops_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = write(tmp_path / "instances_val.json", dataset(10, 100))
    records = get_format("coco").read(path, ErrorPolicy("fail"))
    next(records)
    assert list((tmp_path / "tmp").iterdir())  # the spool, while reading
    records.close()  # type: ignore[attr-defined]
    assert list((tmp_path / "tmp").iterdir()) == []


# values orjson reads otherwise than json.loads or refuses, and seams inside elements: a run
# holding one is decoded again by the scanner, so every element is still what json.loads says
ODD_VALUES = [
    "18446744073709551616",  # past 64 bits: orjson would make it a float
    "-9223372036854775809",
    "12345678901234567890123",
    "NaN",
    "-Infinity",
    "1e400",
    '"\\ud800"',  # a lone surrogate
    '"},\\n{"',  # the seam between elements, inside a string
    '[{"a": 1},\n{"b": 2}]',  # ... and between the objects of a nested list
    '"Fußgänger 東京"',
    "-0",
    "0.30000000000000004",
]


@pytest.mark.parametrize("odd", ODD_VALUES)
@pytest.mark.parametrize("chunk", [4096, 1 << 18])
def test_elements_are_what_json_loads_says_whatever_their_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str, chunk: int
) -> None:
    monkeypatch.setattr(stream, "CHUNK", chunk)
    monkeypatch.setattr(stream, "RUN", 200)
    runs = 0
    run = stream.JsonStream._run

    def counted(self: stream.JsonStream, seam: str) -> list[Any] | None:
        nonlocal runs
        found = run(self, seam)
        runs += found is not None
        return found

    monkeypatch.setattr(stream.JsonStream, "_run", counted)
    elements = [f'{{"id": {i}, "bbox": [1.5, 2, 3, 4.25]}}' for i in range(300)]
    elements[150] = f'{{"id": 150, "odd": {odd}}}'
    text = "[\n" + ",\n".join(elements) + "\n]"
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    reader = stream.JsonStream(path)
    found = list(reader.elements())
    reader.finish()
    reader.close()
    assert repr(found) == repr(json.loads(text.encode()))  # repr: NaN is not NaN
    assert [type(e["odd"]) for e in found if "odd" in e] == [type(json.loads(odd))]
    assert runs > 0  # the runs without the odd value were decoded whole


def boxes_run(first: int, count: int) -> packing.Columns:
    """A packed run of ``count`` boxes (packing.py), layout 1, numbered from ``first``."""
    numbers = tuple(float(first + k) for k in range(count))
    ints = tuple(range(first, first + count))
    return (first, 1, ints, ints, ints, (0,) * count, (), *(numbers,) * 8)


@pytest.mark.parametrize("seed", range(12))
def test_the_spool_gives_each_bucket_its_runs_in_file_order(seed: int) -> None:
    """Runs in bucket order (the plain file), out of it (the table), sections given twice,
    packed runs of several buckets: by_bucket, of and of_many give what a dict of lists
    would."""
    rng = random.Random(seed)
    spool = AnnotationSpool()
    expected: dict[int, list[tuple[int, int, dict[str, Any]]]] = {}
    buckets = 0
    index = [0, 0]
    try:
        for section in rng.choice([[0], [0, 1], [1, 0], [0, 0], [0, 1, 0]]):
            if any(s == section for s, _, _ in (e for es in expected.values() for e in es)):
                spool.clear(section)  # the key given again: its first list is forgotten
                for entries in expected.values():
                    entries[:] = [e for e in entries if e[0] != section]
                index[section] = 0
            for _ in range(rng.randint(0, 60)):
                if buckets and rng.random() < (0.9 if seed % 2 else 0.3):
                    bucket = rng.choice([buckets - 1, rng.randrange(buckets), -1])
                else:
                    bucket, buckets = buckets, buckets + 1
                if rng.random() < 0.3:  # a packed run of boxes, of one or more buckets
                    groups = [(bucket, rng.randint(1, 4))]
                    for _ in range(rng.randint(0, 3)):
                        if rng.random() < 0.8:
                            groups.append((buckets, rng.randint(1, 4)))
                            buckets += 1
                        else:
                            groups.append((rng.randrange(-1, buckets), rng.randint(1, 4)))
                    packed = boxes_run(index[section], sum(size for _, size in groups))
                    found = iter(packing.entries(packed))
                    for b, size in groups:
                        for _ in range(size):
                            expected.setdefault(b, []).append((section, *next(found)))
                    index[section] += packing.length(packed)
                    spool.add_packed(section, packed, groups)
                    continue
                run = []
                for _ in range(rng.randint(1, 5)):
                    run.append((index[section], {"n": index[section], "s": section}))
                    expected.setdefault(bucket, []).append((section, index[section], run[-1][1]))
                    index[section] += 1
                spool.add(bucket, section, run)
        spool.flush()
        want = {b: sorted(e, key=lambda e: (e[0], e[1])) for b, e in expected.items() if e}
        got = {
            b: [(s, i, a) for s, run in pieces for i, a in packing.entries(run)]
            for b, pieces in spool.by_bucket()
        }
        assert got == dict(sorted(want.items()))
        assert list(got) == sorted(got)
        asked = sorted({b for b in want if rng.random() < 0.7} | {buckets + 5})
        walked = spool.in_order([None, *asked])
        assert [
            [(s, i, a) for s, run in pieces for i, a in packing.entries(run)] for pieces in walked
        ] == [[], *(want.get(b, []) for b in asked)]
        some = {b for b in want if rng.random() < 0.3} | {-1}
        many = sorted(spool.of_many(some), key=lambda e: (e[0], e[1]))
        assert many == sorted((e for b in some for e in want.get(b, [])), key=lambda e: e[:2])
        for bucket in rng.sample(sorted(want), len(want)):  # one at a time, in any order
            pieces = spool.of(bucket)
            assert [(s, i, a) for s, run in pieces for i, a in packing.entries(run)] == want[bucket]
    finally:
        spool.close()


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_as_it_was_after_reading(tmp_path: Path, enabled: bool) -> None:
    good = write(tmp_path / "good.json", dataset(3, 10))
    broken = tmp_path / "broken.json"
    broken.write_text(good.read_text()[:-40])
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        records, _ = read(good)
        assert len(records) == 3 and gc.isenabled() is enabled
        with pytest.raises(FormatError):
            read(broken)
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
