"""Every demo item opens: video with its frame index, audio with its waveform and
intervals, the point cloud from above beside its camera images; and "next item" walks the
queue."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import first_item, login, project_id, screenshot

pytestmark = pytest.mark.e2e


def open_first(page: Page, api: httpx.Client, project: str) -> int:
    iid = int(first_item(api, project_id(api, project))["id"])
    login(page)
    page.goto(f"/items/{iid}")
    return iid


def test_video_player_shows_and_steps_the_frame_index(page: Page, api: httpx.Client) -> None:
    open_first(page, api, "Driving: video")
    frame = page.get_by_label("Frame index")
    expect(frame).to_have_text(re.compile(r"^frame 0 / 249$"))
    page.wait_for_function("document.querySelector('video').readyState >= 2")
    page.get_by_role("button", name="Next frame").click()
    page.get_by_role("button", name="Next frame").click()
    expect(frame).to_have_text(re.compile(r"^frame 2 "))
    page.get_by_role("button", name="Previous frame").click()
    expect(frame).to_have_text(re.compile(r"^frame 1 "))
    screenshot(page, "video-viewer")


def test_audio_waveform_and_a_dragged_interval(page: Page, api: httpx.Client) -> None:
    iid = open_first(page, api, "Retail call audio")
    play = page.get_by_role("button", name="Play")
    expect(play).to_be_enabled()  # the waveform is ready
    wave = page.get_by_test_id("waveform")
    box = wave.bounding_box()
    assert box is not None
    page.get_by_role("radio", name="Sentiment", exact=True).click()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=8)
    page.mouse.up()
    expect(page.get_by_role("button", name=re.compile(r"^Sentiment o\d+$"))).to_be_visible()
    page.get_by_role("textbox", name="Speaker").fill("B")
    page.get_by_label("polarity").select_option("negative")
    # a label on the whole recording, with its own (required) attribute
    page.get_by_role("group", name="Recording classes").get_by_label("CallOutcome").check()
    page.get_by_label("outcome", exact=True).select_option("resolved")
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Saved$"))).to_be_visible()
    screenshot(page, "audio-editor")
    objects = api.get(f"/api/items/{iid}/annotation").json()["document"]["objects"]
    (obj,) = [o for o in objects if o["class_name"] == "Sentiment"]
    g = obj["geometry"]
    # a fifth of a 30 s call, starting at about 30 % of it (seconds from the file start)
    assert g["kind"] == "interval" and g["speaker"] == "B"
    assert obj["attributes"] == {"polarity": "negative"}
    (outcome,) = [o for o in objects if o["class_name"] == "CallOutcome"]
    assert outcome["geometry"] == {"kind": "tag"} and outcome["attributes"] == {
        "outcome": "resolved"
    }
    assert 7 < g["start"] < 11 and 13 < g["end"] < 17


def test_point_cloud_from_above_beside_its_cameras(page: Page, api: httpx.Client) -> None:
    open_first(page, api, "Driving: 3D stereo cloud")
    expect(page.get_by_role("img", name="Point cloud, top-down")).to_be_visible(timeout=30_000)
    expect(page.get_by_text(re.compile(r"\d[\d,]* points"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Camera image"))).to_have_count(2)
    # the projection drew points: many non-background pixels
    lit = page.get_by_role("img", name="Point cloud, top-down").evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0;
                  for (let i = 0; i < d.length; i += 4) if (d[i] + d[i+1] + d[i+2] > 120) n++;
                  return n; }"""
    )
    assert lit > 10_000
    screenshot(page, "pointcloud-viewer")
    # the 3D view draws with WebGL, or says plainly that this browser has none
    page.get_by_role("tab", name="3D").click()
    view3d = page.get_by_role("img", name="Point cloud, 3D")
    expect(view3d.locator("canvas").or_(view3d.get_by_text("no WebGL"))).to_be_visible()
    page.wait_for_timeout(500)
    screenshot(page, "pointcloud-viewer-3d")


def test_next_item_walks_the_queue(page: Page, api: httpx.Client) -> None:
    pid = project_id(api, "Medical imaging")
    login(page)
    page.goto(f"/projects/{pid}")
    page.get_by_role("button", name=re.compile("Start labeling|Next item")).click()
    expect(page).to_have_url(re.compile(r"/items/\d+$"))
    first = page.url
    expect(page.get_by_role("toolbar", name="Image tools")).to_be_visible()
    page.keyboard.press("n")
    expect(page).not_to_have_url(first)
    expect(page).to_have_url(re.compile(r"/items/\d+$"))
    screenshot(page, "image-editor-dicom")
