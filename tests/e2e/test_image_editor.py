"""The image editor in a real browser against a real server: drawing, classes, attributes,
editing, undo/redo, zoom, saving and reloading, and conflicts that lose nothing."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import login, project_id, screenshot

pytestmark = pytest.mark.e2e

FRAMES = "Driving: camera frames"
MEDICAL = "Medical imaging"


def canvas_geometry(page: Page) -> tuple[dict[str, float], float, tuple[float, float]]:
    """The canvas box on screen, the viewport scale and offset (screen = image*scale+offset)."""
    canvas = page.get_by_test_id("image-canvas")
    box = canvas.bounding_box()
    assert box is not None
    scale = float(canvas.get_attribute("data-scale") or "nan")
    ox, oy = (float(v) for v in (canvas.get_attribute("data-offset") or "").split(","))
    return box, scale, (ox, oy)


def to_screen(page: Page, x: float, y: float) -> tuple[float, float]:
    box, scale, (ox, oy) = canvas_geometry(page)
    return box["x"] + ox + x * scale, box["y"] + oy + y * scale


def drag(page: Page, a: tuple[float, float], b: tuple[float, float]) -> None:
    page.mouse.move(*a)
    page.mouse.down()
    page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, steps=4)
    page.mouse.move(*b, steps=4)
    page.mouse.up()


def open_item(page: Page, api: httpx.Client, project: str, external_id: str) -> int:
    pid = project_id(api, project)
    items = api.get(f"/api/projects/{pid}/items", params={"limit": 100}).json()["items"]
    iid = next(i["id"] for i in items if i["external_id"] == external_id)
    page.goto(f"/items/{iid}")
    expect(page.get_by_role("toolbar", name="Image tools")).to_be_visible()
    expect(page.locator(".overlay-msg")).to_have_count(0)  # image loaded
    return iid


def saved(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Saved$"))).to_be_visible()


def annotation(api: httpx.Client, iid: int) -> dict:  # type: ignore[type-arg]
    r = api.get(f"/api/items/{iid}/annotation")
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def test_login_then_projects_with_progress(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    screenshot(page, "login")
    login(page)
    expect(page.get_by_role("link", name=FRAMES)).to_be_visible()
    bar = page.get_by_role("progressbar", name=f"Progress of {FRAMES}")
    expect(bar).to_have_attribute("aria-valuemax", "5")
    screenshot(page, "projects")
    page.get_by_role("link", name=FRAMES).click()
    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    expect(page.get_by_role("table", name="Items").get_by_role("row")).to_have_count(6)
    screenshot(page, "project-queue")


def test_draw_box_set_class_and_attributes_save_and_reload(page: Page, api: httpx.Client) -> None:
    login(page)
    iid = open_item(page, api, FRAMES, "bikes-frame-000")
    page.get_by_role("radio", name="Car").click()
    a, b = to_screen(page, 100, 60), to_screen(page, 260, 180)
    _, scale, _ = canvas_geometry(page)
    drag(page, a, b)
    expect(page.get_by_role("button", name="Car o1", exact=True)).to_be_visible()
    page.get_by_label("occluded").select_option("partly")
    page.get_by_label("truncated").check()
    page.get_by_label("track_id").fill("-3")
    expect(page.get_by_text("Must be at least 0")).to_be_visible()  # inline validation
    page.get_by_label("track_id").fill("7")
    expect(page.get_by_text("Must be at least 0")).to_have_count(0)
    page.keyboard.press("Control+s")
    saved(page)
    screenshot(page, "image-editor-box")

    doc = annotation(api, iid)["document"]
    (obj,) = doc["objects"]
    assert obj["class_name"] == "Car"
    assert obj["attributes"] == {"occluded": "partly", "truncated": True, "track_id": 7}
    g = obj["geometry"]
    assert g["kind"] == "box"
    # drawn in displayed image pixels: where the mouse went, within a screen pixel
    for got, want in zip((g["x1"], g["y1"], g["x2"], g["y2"]), (100, 60, 260, 180), strict=True):
        assert abs(got - want) <= 1.5 / scale

    page.reload()
    expect(page.get_by_role("button", name="Car o1", exact=True)).to_be_visible()
    page.get_by_role("button", name="Car o1", exact=True).click()
    expect(page.get_by_label("occluded")).to_have_value("partly")
    expect(page.get_by_label("truncated")).to_be_checked()
    expect(page.get_by_label("track_id")).to_have_value("7")


def test_select_move_delete_undo_redo_and_zoom(page: Page, api: httpx.Client) -> None:
    login(page)
    iid = open_item(page, api, FRAMES, "bikes-frame-060")
    page.get_by_role("radio", name="Truck").click()
    drag(page, to_screen(page, 300, 100), to_screen(page, 400, 200))
    expect(page.get_by_role("button", name="Truck o1", exact=True)).to_be_visible()

    page.keyboard.press("Control+s")
    saved(page)
    g0 = annotation(api, iid)["document"]["objects"][0]["geometry"]

    # move with the select tool: the box follows the mouse, in image pixels
    page.keyboard.press("v")
    _, scale, _ = canvas_geometry(page)
    centre = to_screen(page, 350, 150)
    page.mouse.click(*centre)
    drag(page, centre, (centre[0] + 40 * scale, centre[1] + 20 * scale))
    page.keyboard.press("Control+s")
    saved(page)
    g = annotation(api, iid)["document"]["objects"][0]["geometry"]
    assert abs(g["x1"] - (g0["x1"] + 40)) < 1 and abs(g["y1"] - (g0["y1"] + 20)) < 1
    # moving keeps the size
    assert abs((g["x2"] - g["x1"]) - (g0["x2"] - g0["x1"])) < 0.02
    assert abs((g["y2"] - g["y1"]) - (g0["y2"] - g0["y1"])) < 0.02

    # resize with the transformer: the bottom-right handle follows the mouse
    g0 = g
    drag(page, to_screen(page, g0["x2"], g0["y2"]), to_screen(page, g0["x2"] + 30, g0["y2"] + 10))
    page.keyboard.press("Control+s")
    saved(page)
    g = annotation(api, iid)["document"]["objects"][0]["geometry"]
    assert abs(g["x2"] - (g0["x2"] + 30)) < 1.5 and abs(g["y2"] - (g0["y2"] + 10)) < 1.5
    assert abs(g["x1"] - g0["x1"]) < 0.5 and abs(g["y1"] - g0["y1"]) < 0.5

    # zoom about the cursor: the image point under it stays under it
    box, scale0, _ = canvas_geometry(page)
    cursor = to_screen(page, 200, 100)
    page.mouse.move(*cursor)
    page.mouse.wheel(0, -300)
    expect(page.get_by_test_id("image-canvas")).not_to_have_attribute("data-scale", f"{scale0:.4f}")
    _, scale1, (ox, oy) = canvas_geometry(page)
    assert scale1 > scale0 * 1.2
    assert abs((cursor[0] - box["x"] - ox) / scale1 - 200) < 0.5
    assert abs((cursor[1] - box["y"] - oy) / scale1 - 100) < 0.5
    page.keyboard.press("f")

    page.get_by_role("button", name="Truck o1", exact=True).click()
    page.keyboard.press("Delete")
    expect(page.get_by_role("button", name="Truck o1", exact=True)).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.get_by_role("button", name="Truck o1", exact=True)).to_be_visible()
    page.keyboard.press("Control+Shift+z")
    expect(page.get_by_role("button", name="Truck o1", exact=True)).to_have_count(0)
    saved(page)  # autosave
    assert annotation(api, iid)["document"]["objects"] == []


def test_polygon_on_dicom_with_required_attribute(page: Page, api: httpx.Client) -> None:
    login(page)
    iid = open_item(page, api, MEDICAL, "CT_small")
    page.keyboard.press("p")
    page.get_by_role("radio", name="Lung").click()
    points = [(20, 20), (60, 15), (70, 70), (25, 60)]
    for x, y in points:
        page.mouse.click(*to_screen(page, x, y))
    page.mouse.click(*to_screen(page, *points[0]))  # clicking the first vertex closes it
    expect(page.get_by_role("button", name="Lung o1", exact=True)).to_be_visible()
    expect(page.get_by_text("Required")).to_be_visible()  # laterality is required
    # a draft may be incomplete: autosave sends it, and the indicator still says what is open
    expect(page.get_by_role("status").filter(has_text="Incomplete (draft saved)")).to_be_visible()
    draft = annotation(api, iid)
    assert draft["status"] == "draft" and draft["revision"] >= 1
    assert "laterality" not in draft["document"]["objects"][0]["attributes"]
    # submitting it is refused, naming the field
    page.get_by_role("button", name="Submit", exact=True).click()
    refusal = page.get_by_role("alert").filter(has_text="The server refused this annotation")
    expect(refusal).to_contain_text("objects[0].attributes.laterality")
    assert annotation(api, iid)["status"] == "draft"
    page.get_by_label("laterality").select_option("left")
    expect(page.get_by_text("Required")).to_have_count(0)
    page.keyboard.press("Control+s")
    saved(page)
    screenshot(page, "image-editor-dicom-polygon")
    (obj,) = annotation(api, iid)["document"]["objects"]
    ring = obj["geometry"]["parts"][0]["exterior"]
    assert len(ring) == 4
    for (x, y), (ex, ey) in zip(ring, points, strict=True):
        assert abs(x - ex) < 1 and abs(y - ey) < 1
    assert obj["attributes"]["laterality"] == "left"

    # vertex edit: with the select tool the selected polygon shows its vertices to drag
    page.keyboard.press("v")
    drag(page, to_screen(page, 70, 70), to_screen(page, 90, 100))
    page.keyboard.press("Control+s")
    saved(page)
    ring = annotation(api, iid)["document"]["objects"][0]["geometry"]["parts"][0]["exterior"]
    assert abs(ring[2][0] - 90) < 1 and abs(ring[2][1] - 100) < 1
    assert [tuple(p) for p in ring[:2]] == [
        tuple(p) for p in obj["geometry"]["parts"][0]["exterior"][:2]
    ]


def test_conflicting_save_keeps_local_work(page: Page, api: httpx.Client) -> None:
    login(page)
    iid = open_item(page, api, FRAMES, "bikes-frame-120")
    page.get_by_role("radio", name="Bus").click()
    drag(page, to_screen(page, 50, 50), to_screen(page, 150, 120))
    saved(page)
    base = annotation(api, iid)["revision"]
    # someone (the same user in another tab) saves a different version meanwhile
    r = api.put(
        f"/api/items/{iid}/annotation",
        json={
            "base_revision": base,
            "document": {"objects": [], "relations": []},
            "status": "draft",
        },
    )
    assert r.status_code == 200, r.text
    drag(page, to_screen(page, 300, 100), to_screen(page, 380, 160))
    alert = page.get_by_role("alert").filter(has_text="Someone else saved this item")
    expect(alert).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Conflict")).to_be_visible()
    # the local work is all still here
    expect(page.get_by_role("button", name=re.compile(r"^Bus o\d$"))).to_have_count(2)
    screenshot(page, "image-editor-conflict")
    page.get_by_role("button", name=re.compile("Keep mine")).click()
    saved(page)
    objects = annotation(api, iid)["document"]["objects"]
    assert [o["class_name"] for o in objects] == ["Bus", "Bus"]
