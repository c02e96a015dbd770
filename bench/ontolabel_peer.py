"""ontolabel as a server under test: a real server process on a fresh data directory.

As a user would: `ontolabel user add` and `ontolabel user token` on the fresh data directory,
then `ontolabel serve` as its own process on a free loopback port.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

from bench.network import free_port, wait_listening
from bench.workload import BenchError, BoxLabel, ImageTask, PageResult, check
from ontolabel.storage.blobs import BlobStore

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
IDS_PAGE = 500  # the largest page the list allows: collecting ids is not a measured step


def placeholder_bytes(task: ImageTask) -> bytes:
    """Stand-in bytes of the task's image: distinct per item, as 10,000 photos would be.
    Nothing decodes them; the import trusts the probed info of bytes already stored."""
    return f"ontolabel bench placeholder for {task.name}".encode()


def media_record(task: ImageTask) -> dict[str, Any]:
    """A probed-media entry (MediaInfo) as ontolabel's JSONL carries it."""
    data = placeholder_bytes(task)
    return {
        "modality": "image",
        "mime": "image/jpeg",
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "name": task.name,
        "width": task.width,
        "height": task.height,
    }


def import_jsonl(tasks: list[ImageTask]) -> bytes:
    lines = [{"format": "ontolabel.jsonl", "version": 1}]
    lines += [{"external_id": t.name, "modality": "image", "media": [media_record(t)]}
              for t in tasks]
    return ("\n".join(json.dumps(line) for line in lines) + "\n").encode()


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
        self._import: httpx.Request | None = None
        self._log = self.workdir / "server.log"

    def _cli(self, *args: str) -> str:
        done = subprocess.run([str(self.executable), *args, "--data-dir", str(self.data_dir)],
                              capture_output=True, text=True, timeout=self.start_timeout_s)
        if done.returncode != 0:
            raise BenchError(f"ontolabel {args[0]} {args[1]}: {done.stderr[-800:]}")
        return done.stdout

    def start(self) -> None:
        if not self.executable.is_file():
            raise BenchError(f"no ontolabel executable at {self.executable} (run make install)")
        self._cli("user", "add", USER, "--password", PASSWORD, "--admin")
        # the token alone is on stdout
        token = self._cli("user", "token", USER, "--name", "bench").strip()
        self.headers = {"Authorization": f"Bearer {token}"}
        port = free_port()
        command = [str(self.executable), "serve", "--data-dir", str(self.data_dir),
                   "--host", "127.0.0.1", "--port", str(port)]
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                             cwd=self.workdir)
        self.root_pid = self._process.pid
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.start_timeout_s
        process = self._process
        if not wait_listening(port, self.start_timeout_s, lambda: process.poll() is None):
            raise BenchError(f"ontolabel did not listen on {port}: {self._log_tail()}")
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise BenchError(f"ontolabel exited: {self._log_tail()}")
            me = httpx.get(f"{self.base_url}/api/auth/me", headers=self.headers, timeout=10)
            if me.status_code == 200:
                return
            time.sleep(0.2)
        raise BenchError(f"ontolabel did not accept the token: {self._log_tail()}")

    def _log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-1500:] if self._log.exists() else ""

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

    def prepare(self, tasks: list[ImageTask]) -> None:
        # Label Studio's tasks reference image URLs it never holds; ontolabel's import wants
        # the bytes in its content-addressed store (as after an upload or a sync), so they
        # are put there first, outside the measured import
        store = BlobStore(self.data_dir / "media")
        for task in tasks:
            store.put_bytes(placeholder_bytes(task))

    def create_project(self, client: httpx.Client) -> None:
        body = {"name": "bench", "modality": "image", "ontology": ONTOLOGY}
        self.project_id = str(check(client.post("/api/projects", json=body),
                                    "create project").json()["id"])

    def prepare_import(self, client: httpx.Client, tasks: list[ImageTask]) -> None:
        # the file as the request body (PUT .../import/{name}), the way scripts upload
        request = client.build_request(
            "PUT", f"/api/projects/{self.project_id}/import/bench.jsonl",
            params={"format": "jsonl", "errors": "fail"}, content=import_jsonl(tasks),
            headers={"content-type": "application/x-ndjson"})
        request.read()  # the body built now, not while the clock runs
        self._import = request

    def import_tasks(self, client: httpx.Client, tasks: list[ImageTask]) -> int:
        assert self._import is not None, "prepare_import first"
        reply = check(client.send(self._import), "import").json()
        if reply.get("errors"):
            raise BenchError(f"import reported errors: {str(reply['errors'])[:500]}")
        return int(reply["imported"])

    def item_ids(self, client: httpx.Client, tasks: list[ImageTask]) -> list[str]:
        by_name: dict[str, str] = {}
        after: int | None = None
        while True:
            params = {"limit": str(IDS_PAGE)} | ({"after": str(after)} if after else {})
            page = check(client.get(f"/api/projects/{self.project_id}/items", params=params),
                         "list items").json()
            for item in page["items"]:
                by_name[item["external_id"]] = str(item["id"])
                self._revisions[str(item["id"])] = int(item.get("revision", 0))
            after = page["next_after"]
            if after is None:
                break
        return [by_name[t.name] for t in tasks if t.name in by_name]

    def save(self, client: httpx.Client, item_id: str, task: ImageTask,
             boxes: list[BoxLabel]) -> None:
        document = {"objects": [
            {"id": f"b{k}", "class_name": b.class_name,
             "geometry": {"kind": "box", "x1": b.x1, "y1": b.y1, "x2": b.x2, "y2": b.y2}}
            for k, b in enumerate(boxes)
        ]}
        body = {"base_revision": self._revisions.get(item_id, 0), "document": document,
                "status": "submitted"}
        reply = check(client.put(f"/api/items/{item_id}/annotation", json=body), "save").json()
        self._revisions[item_id] = int(reply["revision"])

    def list_page(self, client: httpx.Client, cursor: str | None) -> PageResult:
        params = {"limit": "100"} | ({"after": cursor} if cursor else {})
        page = check(client.get(f"/api/projects/{self.project_id}/items", params=params),
                     "list page").json()
        after = page["next_after"]
        return PageResult(count=len(page["items"]), cursor=None if after is None else str(after))

    def export_request(self, fmt: str) -> tuple[str, dict[str, str]]:
        kind = {"json": "jsonl", "coco": "coco"}[fmt]
        return f"/api/projects/{self.project_id}/export", {"format": kind}

    def count_exported(self, fmt: str, body: bytes) -> tuple[int, int]:
        if fmt == "json":
            lines = [json.loads(x) for x in body.splitlines() if x.strip()]
            records = [x for x in lines if "format" not in x]
            objects = sum(len(a["document"]["objects"]) for r in records
                          for a in r.get("annotations", []))
            return len(records), objects
        if body[:2] == b"PK":  # a zip with the COCO JSON (and possibly images) inside
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                name = next(n for n in archive.namelist() if n.endswith(".json"))
                coco = json.loads(archive.read(name))
        else:
            coco = json.loads(body)
        return len(coco["images"]), len(coco["annotations"])


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
