"""The text editor in a real browser: spans selected with the mouse are stored and exported
in code points (after an emoji, across CRLF), with attributes, relations and document
classes."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import login, project_id, screenshot

pytestmark = pytest.mark.e2e

TEXT_PROJECT = "Clinical and news text"
EMOJI = "Ok \U0001f44d\U0001f3fd meet Ana in K\u00f6ln"
CRLF = "Name: Bo\r\nCity: Oslo\r\nZip: 0150"
CLINICAL = "Started aspirin 500 mg daily; developed a rash in Oslo."

# Select a substring with a real mouse drag: from the left edge of its first character to
# the right edge of its last, measured in the rendered text.
_RECTS = """(el, [needle, nth]) => {
  const text = el.textContent;
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const r = document.createRange();
  let pos = 0, startSet = false;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const len = n.data.length;
    if (!startSet && at < pos + len) { r.setStart(n, at - pos); startSet = true; }
    const end = at + needle.length;
    if (startSet && end <= pos + len) { r.setEnd(n, end - pos); break; }
    pos += len;
  }
  const rects = Array.from(r.getClientRects()).filter((q) => q.width > 0);
  const a = rects[0], b = rects[rects.length - 1];
  return [a.left, a.top + a.height / 2, b.right, b.top + b.height / 2];
}"""


def select_text(page: Page, needle: str, nth: int = 0) -> None:
    box = page.get_by_test_id("doc-text")
    x0, y0, x1, y1 = box.evaluate(_RECTS, [needle, nth])
    page.mouse.move(x0 + 1, y0)
    page.mouse.down()
    page.mouse.move(x1 - 1, y1, steps=6)
    page.mouse.up()


def add_text_item(api: httpx.Client, pid: int, text: str, external_id: str) -> int:
    r = api.post(f"/api/projects/{pid}/items", json={"text": text, "external_id": external_id})
    assert r.status_code in (200, 201), r.text
    return int(r.json()["items"][0]["id"])


def exported(api: httpx.Client, pid: int, external_id: str) -> dict:  # type: ignore[type-arg]
    r = api.get(f"/api/projects/{pid}/export", params={"format": "jsonl"})
    r.raise_for_status()
    for line in r.text.splitlines():
        record = json.loads(line)
        if record.get("external_id") == external_id:
            return record  # type: ignore[no-any-return]
    raise AssertionError(f"{external_id} not in the export")


def spans_of(record: dict) -> dict[str, tuple[int, int, str]]:  # type: ignore[type-arg]
    (ann,) = record["annotations"]
    return {
        o["class_name"]: (o["geometry"]["start"], o["geometry"]["end"], o["geometry"]["text"])
        for o in ann["document"]["objects"]
        if o["geometry"]["kind"] == "span"
    }


def saved(page: Page) -> None:
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Saved$"))).to_be_visible()


def label(page: Page, cls: str, needle: str, nth: int = 0) -> None:
    page.keyboard.press("Escape")  # nothing selected: the class is for the new span
    page.get_by_role("radio", name=cls, exact=True).click()
    select_text(page, needle, nth)
    expect(page.get_by_role("radiogroup", name="Class of selection")).to_be_visible()


def test_span_after_emoji_is_stored_and_exported_in_code_points(
    page: Page, api: httpx.Client
) -> None:
    pid = project_id(api, TEXT_PROJECT)
    iid = add_text_item(api, pid, EMOJI, "e2e-emoji")
    login(page)
    page.goto(f"/items/{iid}")
    text_box = page.get_by_test_id("doc-text")
    expect(text_box).to_have_text(EMOJI)
    label(page, "Location", "K\u00f6ln")
    label(page, "Person", "Ana")
    page.keyboard.press("Control+s")
    saved(page)
    screenshot(page, "text-editor-emoji")

    spans = spans_of(exported(api, pid, "e2e-emoji"))
    assert spans == {"Location": (18, 22, "K\u00f6ln"), "Person": (11, 14, "Ana")}
    for start, end, text in spans.values():
        assert EMOJI[start:end] == text  # Python slices code points

    page.reload()
    expect(page.get_by_role("button", name=re.compile(r"^Location o\d$"))).to_be_visible()
    expect(page.locator(".span-tag[data-label='Location']")).to_have_count(1)


def test_crlf_text_is_shown_exactly_and_offsets_slice_the_stored_text(
    page: Page, api: httpx.Client
) -> None:
    pid = project_id(api, TEXT_PROJECT)
    iid = add_text_item(api, pid, CRLF, "e2e-crlf")
    login(page)
    page.goto(f"/items/{iid}")
    text_box = page.get_by_test_id("doc-text")
    assert text_box.evaluate("e => e.textContent") == CRLF  # \r\n kept, nothing normalised
    assert text_box.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    label(page, "Location", "Oslo")
    page.keyboard.press("Control+s")
    saved(page)
    (start, end, text) = spans_of(exported(api, pid, "e2e-crlf"))["Location"]
    assert (start, end, text) == (16, 20, "Oslo")
    assert CRLF[start:end] == "Oslo"


def test_attributes_relations_overlaps_and_document_class(page: Page, api: httpx.Client) -> None:
    pid = project_id(api, TEXT_PROJECT)
    iid = add_text_item(api, pid, CLINICAL, "e2e-clinical")
    login(page)
    page.goto(f"/items/{iid}")

    label(page, "Name", "aspirin")
    label(page, "Dose", "500 mg")
    # Dose.amount is a quantity with a unit, required, at least 0
    expect(page.get_by_text("Required")).to_be_visible()
    page.get_by_label("amount", exact=True).fill("-5")
    expect(page.get_by_text("Must be at least 0 mg")).to_be_visible()
    page.get_by_label("amount", exact=True).fill("500")
    page.get_by_label("amount unit").select_option("mg")
    expect(page.get_by_text("Required")).to_have_count(0)
    # overlapping spans: the sentence part and the city inside it
    label(page, "AdverseEvent", "rash in Oslo")
    page.get_by_label("type").select_option("rash")
    page.get_by_label("severity").select_option("mild")
    label(page, "Location", "Oslo")
    expect(page.locator(".mark[data-spans*=' ']")).not_to_have_count(0)  # a segment under two spans

    # relation: select the Name span, press r, click the Dose span
    page.get_by_role("button", name="Name o1", exact=True).click()
    page.keyboard.press("r")
    page.locator(".span-tag[data-label='Dose']").click()
    expect(page.get_by_label(re.compile(r"^Relation type r\d+$"))).to_have_value("has_dose")

    page.get_by_role("group", name="Document classes").get_by_label("Health").check()
    page.keyboard.press("Control+s")
    saved(page)
    screenshot(page, "text-editor-relations")

    doc = api.get(f"/api/items/{iid}/annotation").json()["document"]
    by_class = {o["class_name"]: o for o in doc["objects"]}
    assert by_class["Dose"]["attributes"]["amount"] == {"value": 500, "unit": "mg"}
    assert by_class["AdverseEvent"]["attributes"] == {"type": "rash", "severity": "mild"}
    assert by_class["Health"]["geometry"] == {"kind": "tag"}
    (rel,) = doc["relations"]
    assert (rel["name"], rel["source"], rel["target"]) == (
        "has_dose",
        by_class["Name"]["id"],
        by_class["Dose"]["id"],
    )
    for o in doc["objects"]:
        g = o["geometry"]
        if g["kind"] == "span":
            assert CLINICAL[g["start"] : g["end"]] == g["text"]

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    assert api.get(f"/api/items/{iid}/annotation").json()["status"] == "submitted"


def test_a_link_the_ontology_forbids_is_refused_in_the_editor(
    page: Page, api: httpx.Client
) -> None:
    pid = project_id(api, TEXT_PROJECT)
    iid = add_text_item(api, pid, "Claire Richards lives in Goulburn.", "e2e-no-relation")
    login(page)
    page.goto(f"/items/{iid}")
    label(page, "Location", "Goulburn")
    label(page, "Person", "Claire Richards")
    page.get_by_role("button", name=re.compile(r"^Location o\d$")).click()
    page.keyboard.press("r")
    page.locator(".span-tag[data-label='Person']").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "No relation of the ontology goes from Location to Person"
    )
    page.keyboard.press("Control+s")
    saved(page)
    assert api.get(f"/api/items/{iid}/annotation").json()["document"]["relations"] == []
