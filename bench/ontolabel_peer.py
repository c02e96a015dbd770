"""ontolabel as a server under test: a real `ontolabel serve` process on a fresh data dir."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx

from bench.network import free_port, wait_listening
from bench.workload import BenchError, BoxLabel, ImageTask, PageResult, check

USER = "bench"
PASSWORD = "bench-password-1"
ONTOLOGY: dict[str, Any] = {
    "name": "bench",
    "classes": [
        {"name": "Car", "geometry": {"image": ["box"]}},
        {"name": "Truck", "geometry": {"image": ["box"]}},
        {"name": "Pedestrian", "geometry": {"image": ["box"]}},
    ],
}


class Ontolabel:
    name = "ontolabel"

    def __init__(self, executable: Path, keep_data: bool, start_timeout_s: float) -> None:
        self.executable = executable
        self.keep_data = keep_data
        self.start_timeout_s = start_timeout_s
        self.workdir = Path(tempfile.mkdtemp(prefix="ontolabel-bench-"))
        self.data_dir = self.workdir / "data"
        self.base_url = ""
        self.root_pid = 0
        self.headers: dict[str, str] = {}
        self.project_id = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._revisions: dict[str, int] = {}

    def _cli(self, *args: str) -> str:
        done = subprocess.run([str(self.executable), *args], capture_output=True, text=True,
                              timeout=self.start_timeout_s)
        if done.returncode != 0:
            raise BenchError(f"ontolabel {' '.join(args)}: {done.stdout[-500:]} {done.stderr[-800:]}")
        return done.stdout

    def start(self) -> None:
        if not self.executable.is_file():
            raise BenchError(f"no ontolabel executable at {self.executable} (run make install)")
        raise BenchError("ontolabel side not wired yet")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if not self.keep_data:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def create_project(self, client: httpx.Client) -> None:
        reply = check(client.post("/api/projects", json={"name": "bench", "modality": "image",
                                                         "ontology": ONTOLOGY}),
                      "create project").json()
        self.project_id = str(reply["id"])

    def import_tasks(self, client: httpx.Client, tasks: list[ImageTask]) -> int:
        raise NotImplementedError

    def item_ids(self, client: httpx.Client, tasks: list[ImageTask]) -> list[str]:
        raise NotImplementedError

    def save(self, client: httpx.Client, item_id: str, task: ImageTask,
             boxes: list[BoxLabel]) -> None:
        raise NotImplementedError

    def list_page(self, client: httpx.Client, cursor: str | None) -> PageResult:
        raise NotImplementedError

    def export_request(self, fmt: str) -> tuple[str, dict[str, str]]:
        kind = {"json": "jsonl", "coco": "coco"}[fmt]
        return f"/api/projects/{self.project_id}/export", {"format": kind}

    def count_exported(self, fmt: str, body: bytes) -> tuple[int, int]:
        raise NotImplementedError


class RunningOntolabel(Ontolabel):
    """An ontolabel someone else started (--ontolabel-url): used as is, never stopped."""

    def __init__(self, url: str, pid: int, token: str) -> None:
        super().__init__(Path("."), keep_data=True, start_timeout_s=0)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.base_url = url.rstrip("/")
        self.root_pid = pid
        self.headers = {"Authorization": f"Bearer {token}"}

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None
