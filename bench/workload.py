"""The workload both servers run, driven by the same client code over HTTP.

Each peer (bench/labelstudio.py, bench/ontolabel_peer.py) only says how its API spells each
step; timing, keep-alive, validation and ordering live here, once, so both are measured the
same way: one httpx client, one thread, a kept-alive loopback connection.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, TypeVar

import httpx

from bench.resources import PeakRss, tree_cpu_seconds, wait_rss_settled
from bench.stats import summarize

CLASSES = ("Car", "Truck", "Pedestrian")
# image sizes a driving/retail dataset mixes; only the metadata travels, no pixels
SIZES = ((640, 480), (1280, 720), (1920, 1080), (800, 600))
BOXES_PER_SAVE = 3
PAGE_SIZE = 100
T = TypeVar("T")


class BenchError(RuntimeError):
    """A server answered something the workload cannot go on with."""


@dataclass(frozen=True)
class ImageTask:
    """One image item to import: a name and its displayed size; the file itself never exists."""

    index: int
    name: str
    width: int
    height: int


@dataclass(frozen=True)
class BoxLabel:
    """A box in absolute pixels, xyxy, on the task's image."""

    class_name: str
    x1: float
    y1: float
    x2: float
    y2: float


def make_tasks(count: int, seed: int = 7) -> list[ImageTask]:
    rng = random.Random(seed)
    tasks = []
    for i in range(count):
        width, height = rng.choice(SIZES)
        tasks.append(ImageTask(index=i, name=f"img_{i:06d}.jpg", width=width, height=height))
    return tasks


def make_boxes(task: ImageTask, seed: int) -> list[BoxLabel]:
    """Three boxes inside the image, different for every save (so no server can cache them)."""
    rng = random.Random(seed)
    boxes = []
    for k in range(BOXES_PER_SAVE):
        w = rng.uniform(0.05, 0.3) * task.width
        h = rng.uniform(0.05, 0.3) * task.height
        x1 = rng.uniform(0, task.width - w)
        y1 = rng.uniform(0, task.height - h)
        boxes.append(BoxLabel(CLASSES[k % len(CLASSES)], round(x1, 2), round(y1, 2),
                              round(x1 + w, 2), round(y1 + h, 2)))
    return boxes


@dataclass
class PageResult:
    count: int
    cursor: str | None  # what the next page request needs; None when this was the last


class Peer(Protocol):
    """One server under test: how to start it and how its API spells each workload step."""

    name: str
    base_url: str
    headers: dict[str, str]
    root_pid: int

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def prepare(self, tasks: list[ImageTask]) -> None:
        """Unmeasured set-up before the workload (e.g. media the server must already hold)."""
        ...
    def create_project(self, client: httpx.Client) -> None: ...
    def prepare_import(self, client: httpx.Client, tasks: list[ImageTask]) -> None:
        """Build the import request and encode its body (not timed: the client's work)."""
        ...
    def import_tasks(self, client: httpx.Client, tasks: list[ImageTask]) -> int:
        """Send the prepared import in one request; returns how many the server says it
        imported."""
        ...
    def item_ids(self, client: httpx.Client, tasks: list[ImageTask]) -> list[str]:
        """Server ids of the imported items in task order (not timed)."""
        ...
    def save(self, client: httpx.Client, item_id: str, task: ImageTask,
             boxes: list[BoxLabel]) -> None: ...
    def list_page(self, client: httpx.Client, cursor: str | None) -> PageResult: ...
    def export_request(self, fmt: str) -> tuple[str, dict[str, str]]:
        """Path and query of the export of the whole project as `fmt` ('json' or 'coco')."""
        ...
    def count_exported(self, fmt: str, body: bytes) -> tuple[int, int]:
        """(items or images, annotated objects) found in an export body, to check it."""
        ...


def check(response: httpx.Response, what: str) -> httpx.Response:
    if response.status_code >= 400:
        raise BenchError(f"{what}: HTTP {response.status_code}: {response.text[:500]}")
    return response


@dataclass
class PeerResult:
    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def warm_up(peer: Peer, client: httpx.Client, tasks: list[ImageTask], ids: list[str],
            rounds: int) -> None:
    """Unmeasured saves (on the last items) and page reads, so that lazy imports and caches
    of every worker process are paid before the clock runs (a pre-forking server spreads
    requests over its workers, and each one pays its first request)."""
    for j in range(rounds):
        k = len(tasks) - 1 - (j % len(tasks))
        peer.save(client, ids[k], tasks[k], make_boxes(tasks[k], seed=-1 - j))
        peer.list_page(client, None)


PhaseHook = Callable[[str], AbstractContextManager[None]]


def no_hook(name: str) -> AbstractContextManager[None]:
    return nullcontext()


class _Run:
    """One peer's run: the client, the figures, and the phases in order."""

    def __init__(self, peer: Peer, client: httpx.Client, tasks: list[ImageTask],
                 phase: PhaseHook, phase_timeout_s: float, log: Callable[[str], None]) -> None:
        self.peer = peer
        self.client = client
        self.tasks = tasks
        self.phase = phase
        self.phase_timeout_s = phase_timeout_s
        self.log = log
        self.result = PeerResult(peer.name)
        self.fig = self.result.figures
        self.ids: list[str] = []

    @contextmanager
    def measured(self, name: str) -> Iterator[None]:
        """The phase under the hook, with the server's CPU seconds spent in it."""
        with self.phase(name):
            cpu0 = tree_cpu_seconds(self.peer.root_pid)
            yield
            cpu = tree_cpu_seconds(self.peer.root_pid) - cpu0
            self.fig[f"cpu_{name.replace('-', '_')}_s"] = cpu

    def import_all(self) -> None:
        peer, tasks = self.peer, self.tasks
        self.log(f"{peer.name}: importing {len(tasks)} image items in one request")
        # both clients build and encode their bodies before the clock starts: what is timed
        # is the server taking the request, not the client writing it
        peer.prepare_import(self.client, tasks)
        with self.measured("import"):
            imported, secs = _timed(lambda: peer.import_tasks(self.client, tasks))
        if imported != len(tasks):
            raise BenchError(f"{peer.name}: imported {imported} of {len(tasks)} items")
        self.fig["import_s"] = secs
        self.fig["import_items_per_s"] = len(tasks) / secs
        self.ids = peer.item_ids(self.client, tasks)
        if len(self.ids) != len(tasks):
            raise BenchError(f"{peer.name}: listed {len(self.ids)} ids for {len(tasks)} items")

    def saves(self, count: int) -> None:
        peer, tasks, ids = self.peer, self.tasks, self.ids
        self.log(f"{peer.name}: {count} annotation saves of {BOXES_PER_SAVE} boxes, one at a time")
        durations: list[float] = []
        deadline = time.monotonic() + self.phase_timeout_s
        with self.measured("saves"):
            t_all = time.perf_counter()
            for n in range(count):
                k = n % len(tasks)
                boxes = make_boxes(tasks[k], seed=n)
                _, secs = _timed(partial(peer.save, self.client, ids[k], tasks[k], boxes))
                durations.append(secs)
                if time.monotonic() > deadline:
                    self.result.notes.append(f"saves stopped at the phase timeout after {n + 1}")
                    break
            wall = time.perf_counter() - t_all
        self.fig["saves"] = summarize(durations, wall).as_dict()
        self.fig["saves"]["cpu_ms"] = 1000.0 * self.fig["cpu_saves_s"] / len(durations)
        self.result.raw["save_s"] = durations

    def list_pages(self, pages: int) -> None:
        self.log(f"{self.peer.name}: walking {pages} pages of {PAGE_SIZE} items")
        durations: list[float] = []
        cursor: str | None = None
        seen = 0
        with self.measured("list"):
            t_all = time.perf_counter()
            for _ in range(pages):
                page, secs = _timed(partial(self.peer.list_page, self.client, cursor))
                durations.append(secs)
                seen += page.count
                cursor = page.cursor
                if cursor is None:
                    break
            wall = time.perf_counter() - t_all
        self.fig["list_page"] = summarize(durations, wall).as_dict()
        self.fig["list_page"]["cpu_ms"] = 1000.0 * self.fig["cpu_list_s"] / len(durations)
        self.fig["list_items_seen"] = seen
        self.result.raw["list_page_s"] = durations

    def export(self, fmt: str) -> None:
        self.log(f"{self.peer.name}: exporting the project as {fmt}")
        path, params = self.peer.export_request(fmt)

        def download() -> bytes:
            with self.client.stream("GET", path, params=params) as response:
                if response.status_code >= 400:
                    response.read()
                check(response, f"export {fmt}")
                return b"".join(response.iter_bytes())

        with self.measured(f"export-{fmt}"):
            body, secs = _timed(download)
        # checked after the clock stopped
        items, objects = self.peer.count_exported(fmt, body)
        self.fig[f"export_{fmt}_s"] = secs
        self.fig[f"export_{fmt}_mb"] = len(body) / 2**20
        self.fig[f"export_{fmt}_items"] = items
        self.fig[f"export_{fmt}_objects"] = objects
        if items != len(self.tasks):
            self.result.notes.append(f"the {fmt} export holds {items} of {len(self.tasks)} items")


def run_workload(peer: Peer, tasks: list[ImageTask], saves: int, pages: int,
                 phase_timeout_s: float, log: Callable[[str], None],
                 warmup: int = 0, phase: PhaseHook = no_hook) -> PeerResult:
    """Run every phase against a started peer; the peer's process tree RSS is sampled
    throughout. `phase(name)` wraps each measured phase (the profiler hooks in there)."""
    peer.prepare(tasks)
    idle_rss = wait_rss_settled(peer.root_pid)
    timeout = httpx.Timeout(phase_timeout_s, connect=10.0)
    with PeakRss(peer.root_pid) as rss, httpx.Client(
        base_url=peer.base_url, headers=peer.headers, timeout=timeout
    ) as client:
        run = _Run(peer, client, tasks, phase, phase_timeout_s, log)
        peer.create_project(client)
        run.import_all()
        if warmup:
            log(f"{peer.name}: warming up ({warmup} saves and page reads, not measured)")
            warm_up(peer, client, tasks, run.ids, warmup)
        run.saves(saves)
        run.list_pages(pages)
        run.export("json")
        run.export("coco")
    run.fig["idle_rss_mb"] = idle_rss / 2**20
    run.fig["peak_rss_mb"] = rss.peak_bytes / 2**20
    return run.result
