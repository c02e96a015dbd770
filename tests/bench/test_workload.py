"""The driver times every step the same way for any peer; peers only spell the requests."""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from bench.labelstudio import default_scripts_dir, unavailable_reason
from bench.ontolabel_peer import import_jsonl
from bench.workload import (
    BOXES_PER_SAVE,
    BoxLabel,
    ImageTask,
    PageResult,
    make_boxes,
    make_tasks,
    run_workload,
)

from ontolabel.formats.jsonl.lines import HeaderLine, ItemLine


def test_tasks_are_deterministic_and_named_in_order() -> None:
    a, b = make_tasks(50), make_tasks(50)
    assert a == b
    assert [t.name for t in a[:2]] == ["img_000000.jpg", "img_000001.jpg"]


def test_boxes_lie_inside_the_image_and_differ_per_save() -> None:
    for task in make_tasks(40):
        for seed in range(5):
            boxes = make_boxes(task, seed)
            assert len(boxes) == BOXES_PER_SAVE
            for b in boxes:
                assert 0 <= b.x1 < b.x2 <= task.width
                assert 0 <= b.y1 < b.y2 <= task.height
    task = make_tasks(1)[0]
    assert make_boxes(task, 1) != make_boxes(task, 2)


class StubPeer:
    """A peer whose every step takes a known time, to check what the driver measures."""

    name = "stub"
    base_url = "http://127.0.0.1:9"  # never contacted
    headers: dict[str, str] = {}

    def __init__(self) -> None:
        self.root_pid = os.getpid()
        self.saved: list[tuple[str, int]] = []
        self.pages = 0
        self.prepared = 0

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def prepare(self, tasks: list[ImageTask]) -> None: ...
    def create_project(self, client: httpx.Client) -> None: ...

    def prepare_import(self, client: httpx.Client, tasks: list[ImageTask]) -> None:
        self.prepared = len(tasks)

    def import_tasks(self, client: httpx.Client, tasks: list[ImageTask]) -> int:
        assert self.prepared == len(tasks), "the body is built before the timed request"
        time.sleep(0.05)
        return len(tasks)

    def item_ids(self, client: httpx.Client, tasks: list[ImageTask]) -> list[str]:
        return [f"id{t.index}" for t in tasks]

    def save(self, client: httpx.Client, item_id: str, task: ImageTask,
             boxes: list[BoxLabel]) -> None:
        time.sleep(0.004)
        self.saved.append((item_id, len(boxes)))

    def list_page(self, client: httpx.Client, cursor: str | None) -> PageResult:
        self.pages += 1
        n = int(cursor or "0")
        return PageResult(count=100 if n < 2 else 50, cursor=str(n + 1) if n < 2 else None)

    def export_request(self, fmt: str) -> tuple[str, dict[str, str]]:
        return "/export", {"format": fmt}

    def count_exported(self, fmt: str, body: bytes) -> tuple[int, int]:
        return 0, 0


def test_driver_measures_each_phase(monkeypatch: pytest.MonkeyPatch) -> None:
    # the export is the one step that goes over the wire: answer it without a server
    @contextmanager
    def stream(self: httpx.Client, method: str, url: str, **kw: object) -> Iterator[httpx.Response]:
        request = httpx.Request(method, "http://127.0.0.1:9" + url)
        yield httpx.Response(200, content=b"x" * 2048, request=request)

    monkeypatch.setattr(httpx.Client, "stream", stream)
    peer = StubPeer()
    result = run_workload(peer, make_tasks(10), saves=25, pages=10, phase_timeout_s=60,
                          log=lambda m: None)
    fig = result.figures
    # 25 saves cycle over 10 items, 3 boxes each
    assert len(peer.saved) == 25
    assert peer.saved[10] == ("id0", 3)
    assert fig["saves"]["count"] == 25
    assert 4.0 <= fig["saves"]["p50_ms"] < 40.0
    assert fig["saves"]["per_s"] < 250
    assert fig["import_s"] >= 0.05
    # the walk stops at the last page, not at --pages
    assert peer.pages == 3
    assert fig["list_items_seen"] == 250
    assert fig["export_json_mb"] == pytest.approx(2048 / 2**20)
    assert fig["peak_rss_mb"] > 10


def test_peer_scripts_are_found_beside_the_checkout() -> None:
    root = Path(__file__).resolve().parents[2]
    assert default_scripts_dir() == root.parent / "shared" / "peers" / "labelstudio"


def test_missing_peer_is_skipped_with_a_reason(tmp_path: Path) -> None:
    reason = unavailable_reason(tmp_path, tmp_path / "venv")
    assert reason is not None and "ls_start.sh" in reason
    for script in ("ls_start.sh", "ls_start_gunicorn.sh", "ls_stop.sh"):
        (tmp_path / script).write_text("#!/bin/bash\n")
    reason = unavailable_reason(tmp_path, tmp_path / "venv")
    assert reason is not None and "not installed" in reason


def test_ontolabel_import_file_is_valid_canonical_jsonl() -> None:
    # checked by ontolabel's own JSONL line models, so the bench cannot drift from the format
    tasks = make_tasks(3)
    lines = import_jsonl(tasks).decode().splitlines()
    assert len(lines) == 4
    HeaderLine.model_validate_json(lines[0])
    for task, line in zip(tasks, lines[1:], strict=True):
        item = ItemLine.model_validate_json(line)
        assert item.external_id == task.name
        info = item.media[0].info()
        assert info is not None
        assert (info.width, info.height, info.name) == (task.width, task.height, task.name)
