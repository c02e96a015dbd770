"""Label Studio as the peer: started from ../shared/peers/labelstudio scripts, driven over HTTP.

Fair set-up (see that folder's README): a fresh SQLite data directory; `ls_start.sh` once for
migrations and the user/token, then the same data under gunicorn with 4 sync workers
(`ls_start_gunicorn.sh`), close to Label Studio's production image. Django's development
server would add ~40 ms to every kept-alive response, which is not Label Studio's own cost.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import httpx

from bench.network import free_port
from bench.workload import BenchError, BoxLabel, ImageTask, PageResult, check

LABEL_CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image">'
    '<Label value="Car"/><Label value="Truck"/><Label value="Pedestrian"/>'
    "</RectangleLabels></View>"
)
TOKEN = "0123456789abcdef0123456789abcdef01234567"
# tasks point at a closed loopback port: no image is ever fetched, and nothing leaves the host
IMAGE_URL = "http://127.0.0.1:9/images/{name}"


def default_scripts_dir() -> Path:
    """../shared/peers/labelstudio relative to the checkout that holds this bench/ folder."""
    return Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "labelstudio"


def unavailable_reason(scripts: Path, venv: Path) -> str | None:
    """Why the peer cannot run here, or None when it can."""
    for script in ("ls_start.sh", "ls_start_gunicorn.sh", "ls_stop.sh"):
        if not (scripts / script).is_file():
            return f"no {script} in {scripts} (give --ls-scripts)"
    if not (venv / "bin" / "label-studio").is_file():
        return f"Label Studio is not installed in {venv} (give --ls-venv; see {scripts}/README.md)"
    if shutil.which("bash") is None or shutil.which("curl") is None:
        return "the peer scripts need bash and curl"
    return None


class LabelStudio:
    name = "Label Studio"

    def __init__(self, scripts: Path, venv: Path, workers: int, gunicorn: bool,
                 keep_data: bool, start_timeout_s: float) -> None:
        self.scripts = scripts
        self.venv = venv
        self.workers = workers
        self.gunicorn = gunicorn
        self.keep_data = keep_data
        self.start_timeout_s = start_timeout_s
        self.headers = {"Authorization": f"Token {TOKEN}"}
        self.base_url = ""
        self.root_pid = 0
        self.project_id = 0
        self._import: httpx.Request | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="ontolabel-bench-ls-"))
        self._pidfile = self.workdir / "server.pid"
        self._task_ids: list[str] = []

    def describe(self) -> str:
        mode = f"gunicorn, {self.workers} workers" if self.gunicorn else "development server"
        return f"Label Studio ({mode}, SQLite, data in {self.workdir})"

    def _env(self, port: int, pidfile: Path, log: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(PORT=str(port), LS_VENV=str(self.venv), LS_DATA=str(self.workdir / "data"),
                   LS_PIDFILE=str(pidfile), LS_LOG=str(self.workdir / log), LS_TOKEN=TOKEN,
                   WORKERS=str(self.workers))
        return env

    def _script(self, script: str, env: dict[str, str]) -> None:
        done = subprocess.run(["bash", str(self.scripts / script)], env=env, capture_output=True,
                              text=True, timeout=self.start_timeout_s + 30)
        if done.returncode != 0:
            raise BenchError(f"{script} failed: {done.stdout[-800:]} {done.stderr[-800:]}")

    def start(self) -> None:
        port = free_port()
        # first start: migrations, the bench user and its token, on the fresh data directory
        first = self._env(port, self.workdir / "first.pid", "first.log")
        first["LS_WAIT_S"] = str(int(self.start_timeout_s))
        self._script("ls_start.sh", first)
        if self.gunicorn:
            self._script("ls_stop.sh", first)
            port = free_port()
            env = self._env(port, self._pidfile, "gunicorn.log")
            env["LS_WAIT_S"] = str(int(self.start_timeout_s))
            self._script("ls_start_gunicorn.sh", env)
        else:
            (self.workdir / "first.pid").rename(self._pidfile)
        self.root_pid = int(self._pidfile.read_text().strip())
        self.base_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._pidfile.exists():
            self._script("ls_stop.sh", self._env(0, self._pidfile, "stop.log"))
        first = self.workdir / "first.pid"
        if first.exists():
            self._script("ls_stop.sh", self._env(0, first, "stop.log"))
        if not self.keep_data:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def prepare(self, tasks: list[ImageTask]) -> None:
        # tasks carry image URLs only: Label Studio holds no media for them
        return None

    def create_project(self, client: httpx.Client) -> None:
        response = check(client.post("/api/projects", json={"title": "bench",
                                                            "label_config": LABEL_CONFIG}),
                         "create project")
        self.project_id = int(response.json()["id"])

    def prepare_import(self, client: httpx.Client, tasks: list[ImageTask]) -> None:
        body = [{"data": {"image": IMAGE_URL.format(name=t.name), "width": t.width,
                          "height": t.height, "name": t.name}} for t in tasks]
        request = client.build_request(
            "POST", f"/api/projects/{self.project_id}/import",
            params={"return_task_ids": "true"}, json=body)
        request.read()  # the JSON body encoded now, not while the clock runs
        self._import = request

    def import_tasks(self, client: httpx.Client, tasks: list[ImageTask]) -> int:
        assert self._import is not None, "prepare_import first"
        response = check(client.send(self._import), "import")
        reply = response.json()
        self._task_ids = [str(i) for i in reply.get("task_ids", [])]
        return int(reply["task_count"])

    def item_ids(self, client: httpx.Client, tasks: list[ImageTask]) -> list[str]:
        # the import reply lists the new ids in the order of the tasks sent
        return self._task_ids

    def save(self, client: httpx.Client, item_id: str, task: ImageTask,
             boxes: list[BoxLabel]) -> None:
        result = [
            {
                "id": f"b{k}",
                "from_name": "label",
                "to_name": "image",
                "type": "rectanglelabels",
                "original_width": task.width,
                "original_height": task.height,
                "image_rotation": 0,
                # Label Studio stores boxes as percentages of the image size
                "value": {
                    "x": 100.0 * b.x1 / task.width,
                    "y": 100.0 * b.y1 / task.height,
                    "width": 100.0 * (b.x2 - b.x1) / task.width,
                    "height": 100.0 * (b.y2 - b.y1) / task.height,
                    "rotation": 0,
                    "rectanglelabels": [b.class_name],
                },
            }
            for k, b in enumerate(boxes)
        ]
        check(client.post(f"/api/tasks/{item_id}/annotations", json={"result": result}), "save")

    def list_page(self, client: httpx.Client, cursor: str | None) -> PageResult:
        page = int(cursor or "1")
        response = check(client.get("/api/tasks", params={"project": str(self.project_id),
                                                          "page": str(page),
                                                          "page_size": "100"}), "list page")
        reply = response.json()
        count = len(reply["tasks"])
        more = page * 100 < int(reply["total"])
        return PageResult(count=count, cursor=str(page + 1) if more else None)

    def export_request(self, fmt: str) -> tuple[str, dict[str, str]]:
        # download_all_tasks: the whole project, not only the annotated tasks (its default);
        # download_resources=false: do not try to fetch every image into the COCO zip (the
        # URLs lead nowhere, and ontolabel's export does not carry image bytes either)
        kind = {"json": "JSON", "coco": "COCO"}[fmt]
        return (f"/api/projects/{self.project_id}/export",
                {"exportType": kind, "download_all_tasks": "true",
                 "download_resources": "false"})

    def count_exported(self, fmt: str, body: bytes) -> tuple[int, int]:
        if fmt == "json":
            tasks = json.loads(body)
            return len(tasks), sum(len(a["result"]) for t in tasks for a in t["annotations"])
        # COCO comes zipped with an images/ folder beside result.json
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            coco = json.loads(archive.read("result.json"))
        return len(coco["images"]), len(coco["annotations"])


class RunningLabelStudio(LabelStudio):
    """A Label Studio someone else started (--ls-url/--ls-pid): used as is, never stopped."""

    def __init__(self, url: str, pid: int) -> None:
        super().__init__(Path("."), Path("."), 0, False, True, 0)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.base_url = url.rstrip("/")
        self.root_pid = pid

    def describe(self) -> str:
        return f"Label Studio already running at {self.base_url} (pid {self.root_pid})"

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None
