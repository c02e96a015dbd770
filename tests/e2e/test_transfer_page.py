"""The Import / Export page in a real browser over a real server: only the formats that fit
the project are offered (a lossy one says what it loses), the options form comes from the
format's schema and reaches the download, and an import through the form shows its report
(the format read and why, the counts, every bad record with its line).

The demo projects are only read (other tests count their items); imports go into a project
of this module's own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import ARTIFACTS, login, project_id

pytestmark = pytest.mark.e2e

FRAMES = "Driving: camera frames"
ROADS = "Transfer e2e: roads"
ROADS_ONTOLOGY: dict[str, Any] = {
    "name": "Roads",
    "classes": [
        {"name": "Car", "geometry": {"image": ["box"]}},
        {"name": "Lane", "geometry": {"image": ["polyline"]}},
    ],
}
HEADER = {"format": "ontolabel.jsonl", "version": 1}


@pytest.fixture(scope="module")
def roads(api: httpx.Client) -> int:
    """An image project whose ontology allows boxes and polylines, empty to start with."""
    r = api.post(
        "/api/projects", json={"name": ROADS, "modality": "image", "ontology": ROADS_ONTOLOGY}
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def screenshot(page: Page, name: str) -> Path:
    """The whole page (the export form runs below the fold)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def frames(api: httpx.Client) -> list[dict[str, Any]]:
    """The demo's camera frames as canonical JSONL records (their media are in the store)."""
    exported = api.get(f"/api/projects/{project_id(api, FRAMES)}/export?format=jsonl")
    exported.raise_for_status()
    return [json.loads(line) for line in exported.text.splitlines()[1:]]


def frames_with_labels(api: httpx.Client) -> list[dict[str, Any]]:
    """The frames, the first with a Car box, the second with a Lane polyline; each padded
    with a note so the upload is large enough to watch its progress."""
    records = frames(api)
    for record in records:
        # whatever other tests labelled in the demo (a Bus box) is not this project's
        record["annotations"] = []
    car = {
        "id": "c1",
        "class_name": "Car",
        "geometry": {"kind": "box", "x1": 10, "y1": 20, "x2": 110, "y2": 90},
    }
    lane = {
        "id": "l1",
        "class_name": "Lane",
        "geometry": {"kind": "polyline", "points": [[0, 200], [300, 150], [600, 140]]},
    }
    for record, obj in zip(records, [car, lane], strict=False):
        record["annotations"] = [{"status": "submitted", "document": {"objects": [obj]}}]
    for record in records:
        record["external_id"] = f"roads-{record['external_id']}"
        record["meta"] = {**record.get("meta", {}), "note": "n" * 120_000}
    return records


def jsonl(records: list[dict[str, Any]], *raw_lines: str) -> bytes:
    lines = [json.dumps(HEADER), *(json.dumps(r) for r in records), *raw_lines]
    return ("\n".join(lines) + "\n").encode()


def open_transfer(page: Page, api: httpx.Client, name: str) -> int:
    pid = project_id(api, name)
    login(page)
    page.goto(f"/projects/{pid}")
    page.get_by_role("link", name="Import / Export").click()
    expect(page).to_have_url(re.compile(rf"/projects/{pid}/transfer$"))
    expect(page.get_by_role("heading", name="Import / Export", exact=True)).to_be_visible()
    return pid


def test_export_coco_with_an_option_downloads_every_image(
    page: Page, api: httpx.Client, tmp_path: Path
) -> None:
    pid = open_transfer(page, api, FRAMES)
    export = page.get_by_role("region", name="Export", exact=True)
    coco = export.get_by_role("radio", name=re.compile(r"^COCO"))
    coco.check()
    # the form is COCO's own options schema: its enums as selects, with their help
    status = export.get_by_label("Status", exact=True)
    expect(export.get_by_label("Merge", exact=True)).to_have_value("latest")
    expect(export.get_by_text("export drafts too (any), or submitted work only")).to_be_visible()
    status.select_option("submitted")
    link = export.get_by_role("link", name="Download .json")
    expect(link).to_have_attribute(
        "href", f"/api/projects/{pid}/export?format=coco&status=submitted"
    )
    screenshot(page, "transfer-export-coco")
    with page.expect_download() as pending:
        link.click()
    download = pending.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert {"images", "annotations", "categories"} <= set(data)
    items = api.get(f"/api/projects/{pid}/items", params={"limit": 100}).json()["items"]
    assert len(data["images"]) == len(items) == 5
    assert {c["name"] for c in data["categories"]} >= {"Car", "Truck", "Pedestrian"}


def test_a_text_project_offers_no_image_format(page: Page, api: httpx.Client) -> None:
    open_transfer(page, api, "Clinical and news text")
    export = page.get_by_role("region", name="Export", exact=True)
    expect(export.get_by_role("radio", name=re.compile(r"^spaCy v3"))).to_be_visible()
    # CoNLL has no document classes (tags): it is behind "show all", and COCO is not there
    expect(export.get_by_role("radio", name=re.compile(r"^CoNLL"))).to_have_count(0)
    export.get_by_role("button", name=re.compile(r"^Show all")).click()
    expect(export.get_by_role("radio", name=re.compile(r"^CoNLL.*loses tag$"))).to_be_visible()
    expect(export.get_by_role("radio", name=re.compile(r"^COCO"))).to_have_count(0)
    # the format select of the import offers no image format either
    options = page.get_by_label("Format", exact=True).locator("option").all_inner_texts()
    assert "Detect automatically" in options
    assert not any("COCO" in o or "Pascal VOC" in o for o in options), options


def test_import_through_the_form_then_a_lossy_export_says_what_it_loses(
    page: Page, api: httpx.Client, roads: int, tmp_path: Path
) -> None:
    open_transfer(page, api, ROADS)
    body = jsonl(frames_with_labels(api))
    imports = page.get_by_role("region", name="Import", exact=True)
    imports.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "frames.jsonl", "mimeType": "application/jsonl", "buffer": body}]
    )
    expect(imports.get_by_label("Format", exact=True)).to_have_value("")  # detect by default
    # a slow uplink, so the upload bar is seen moving (the file is ~600 KB)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 300_000},
    )
    imports.get_by_role("button", name="Import", exact=True).click()
    bar = imports.get_by_role("progressbar", name="Upload")
    expect(bar).to_be_visible()
    expect(imports.get_by_text(re.compile(r"KB of \d+ KB \(\d+%\)"))).to_be_visible()
    report = imports.get_by_role("region", name="Import report")
    expect(report).to_be_visible(timeout=60_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    expect(report.get_by_role("status")).to_contain_text("frames.jsonl: 5 items imported.")
    expect(report).to_contain_text(re.compile(r"Read as jsonl, detected \(\d+% sure\): .+"))
    expect(report.locator(".counts div").filter(has_text="Items imported")).to_contain_text("5")
    screenshot(page, "transfer-import-report")
    items = api.get(f"/api/projects/{roads}/items", params={"limit": 100}).json()["items"]
    assert len(items) == 5

    # COCO carries no polylines: it is offered only behind "show all", with a warning
    export = page.get_by_role("region", name="Export", exact=True)
    coco = export.get_by_role("radio", name=re.compile(r"^COCO"))
    expect(coco).to_have_count(0)
    export.get_by_role("button", name=re.compile(r"^Show all: \d+ more")).click()
    expect(export.get_by_text("⚠ loses polyline").first).to_be_visible()
    coco.check()
    expect(export.get_by_role("alert")).to_contain_text(
        "coco cannot carry polyline: every polyline object is left out of the file."
    )
    screenshot(page, "transfer-export-lossy")
    link = export.get_by_role("link", name="Download .json")
    query = parse_qs(urlparse(link.get_attribute("href") or "").query)
    assert query == {"format": ["coco"]}
    with page.expect_download() as pending:
        link.click()
    saved = tmp_path / "roads.json"
    pending.value.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert len(data["images"]) == 5
    assert [a["bbox"] for a in data["annotations"]] == [[10, 20, 100, 70]]


def test_a_bad_file_is_refused_with_its_line_or_skipped_with_collect(
    page: Page, api: httpx.Client, roads: int
) -> None:
    open_transfer(page, api, ROADS)
    before = len(api.get(f"/api/projects/{roads}/items").json()["items"])
    frame = frames(api)[0]
    robot = {
        "id": "r1",
        "class_name": "Robot",
        "geometry": {"kind": "box", "x1": 1, "y1": 1, "x2": 9, "y2": 9},
    }
    bad = {
        **frame,
        "external_id": "roads-robot",
        "annotations": [{"document": {"objects": [robot]}}],
    }
    good = {**frame, "external_id": "roads-good", "annotations": []}
    # line 2: not JSON; line 3: a class the ontology does not have; line 4: good
    body = jsonl([], '{"external_id": "broken", ', json.dumps(bad), json.dumps(good))
    imports = page.get_by_role("region", name="Import", exact=True)
    imports.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "bad.jsonl", "mimeType": "application/jsonl", "buffer": body}]
    )
    imports.get_by_label("Format", exact=True).select_option("jsonl")
    imports.get_by_role("button", name="Import", exact=True).click()
    report = imports.get_by_role("region", name="Import report")
    expect(report.get_by_role("alert")).to_contain_text("nothing was imported")
    problems = report.get_by_role("table", name="Problems")
    expect(problems.get_by_role("row").filter(has_text="bad.jsonl:2")).to_contain_text(
        "not valid JSON"
    )
    expect(problems.get_by_role("row").filter(has_text="bad.jsonl:3")).to_contain_text("Robot")
    expect(problems.get_by_role("row")).to_have_count(3)  # the header and the two bad lines
    screenshot(page, "transfer-import-refused")
    assert len(api.get(f"/api/projects/{roads}/items").json()["items"]) == before

    imports.get_by_label("Collect: import the good records, list the bad ones").check()
    imports.get_by_role("button", name="Import", exact=True).click()
    expect(report.get_by_role("status")).to_contain_text(
        "bad.jsonl: 1 item imported, 2 problems skipped."
    )
    skipped = report.get_by_role("table", name="Skipped records")
    expect(skipped.get_by_role("row").filter(has_text="bad.jsonl:2")).to_contain_text(
        "not valid JSON"
    )
    expect(skipped.get_by_role("row").filter(has_text="bad.jsonl:3")).to_contain_text("Robot")
    expect(report).to_contain_text("Read as jsonl, as chosen")
    screenshot(page, "transfer-import-collected")
    listed = api.get(f"/api/projects/{roads}/items", params={"limit": 100}).json()["items"]
    assert len(listed) == before + 1
    assert "roads-good" in {i["external_id"] for i in listed}


@pytest.mark.parametrize("name", ["Medical imaging", "Clinical and news text"])
def test_every_offered_format_gets_a_form_control_for_every_option(
    page: Page, api: httpx.Client, name: str
) -> None:
    """Against the live schemas (not the UI's fixture): no option of any offered format is
    left without a control."""
    pid = open_transfer(page, api, name)
    offered = api.get(f"/api/projects/{pid}/formats").json()["exports"]
    export = page.get_by_role("region", name="Export", exact=True)
    export.get_by_role("button", name=re.compile(r"^Show all")).click()
    radios = export.get_by_role("radio")
    expect(radios).to_have_count(len(offered))
    for i, choice in enumerate(offered):
        radios.nth(i).check()
        expect(export.get_by_role("heading", name=f"{choice['name']} options")).to_be_visible()
        for key in choice["options_schema"].get("properties", {}):
            expect(
                export.locator("code.option-key", has_text=re.compile(rf"^{key}$"))
            ).to_be_visible()
        expect(export.get_by_text("set it through the API")).to_have_count(0)
        expect(export.get_by_role("link", name=f"Download {choice['extension']}")).to_be_visible()
