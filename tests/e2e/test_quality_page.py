"""The Quality page in a real browser over a real server.

The demo's multi-annotator project (simulated work of three annotators on news articles,
with gold items) must show what the REST API computes, digit for digit, and follow the
annotator filter. A small project built through the services before its server starts
(reviews that annotators tagged with a sentiment) gives the cases the demo lacks: an
undefined coefficient, one annotator alone, no gold.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.tag import Tag
from ontolabel.services import annotations as saving
from ontolabel.services import items, projects, users
from ontolabel.services.workspace import Settings, Workspace

from .conftest import ARTIFACTS, DEMO_USER, _cli, _free_port, login, screenshot

pytestmark = pytest.mark.e2e

PROJECT = "Quality e2e: review sentiment"
PASSWORD = "quality-e2e-pass"
ONTOLOGY = {
    "name": "Review sentiment",
    "classes": [
        {"name": "Sentiment", "geometry": {"text": ["tag"]}},
        {"name": "Positive", "parent": "Sentiment"},
        {"name": "Negative", "parent": "Sentiment"},
        {"name": "Neutral", "parent": "Sentiment"},
    ],
}
P, N, U = "Positive", "Negative", "Neutral"
# what each annotator said on review i; bob differs from alice twice, carol seven times;
# dan tagged only the first two reviews, both Positive as alice did (no variation at all)
LABELS = {
    "alice": [P, P, N, U, P, N, N, U, P, P, N, U, P, N, U, P],
    "bob":   [P, P, N, U, P, N, N, U, P, N, N, U, P, N, P, P],
    "carol": [P, N, N, P, P, U, N, U, N, P, P, U, N, N, U, U],
    "dan":   [P, P],
}  # fmt: skip
DEMO_PROJECT = "Clinical and news text"


def _tag(label: str) -> Annotation:
    return Annotation(objects=[AnnotationObject(id="t1", class_name=label, geometry=Tag())])


def _build(data: Path) -> None:
    # cheap password hashing: the accounts are for this test only
    ws = Workspace.open(data, settings=Settings(argon2_memory_kib=1024, argon2_time_cost=1))
    try:
        demo = users.get_user_by_name(ws, DEMO_USER[0])
        assert demo is not None
        project = projects.create_project(
            ws, name=PROJECT, modality="text", ontology=ONTOLOGY, user_id=demo.id
        )
        item_ids = [
            items.add_text_item(
                ws, project.id, text=f"Review {i}: the product was fine.", user_id=demo.id,
                external_id=f"review-{i}",
            ).id
            for i in range(len(LABELS["alice"]))
        ]  # fmt: skip
        for name, labels in LABELS.items():
            user = users.create_user(ws, name, PASSWORD)
            projects.set_member(ws, project.id, user.id, "annotator", user_id=demo.id)
            for item_id, label in zip(item_ids, labels, strict=False):
                saving.save_annotation(
                    ws, item_id, _tag(label), user_id=user.id, base_revision=0, status="submitted"
                )
    finally:
        ws.close()


@pytest.fixture(scope="module")
def quality_server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`ontolabel serve` over a copy of the demo workspace plus the three-annotator project."""
    data = tmp_path_factory.mktemp("e2e-quality") / "data"
    shutil.copytree(demo_template, data)
    _build(data)
    port = _free_port()
    log_path = data.parent / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [*_cli(), "serve", "--data-dir", str(data), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/auth/me", timeout=1).status_code == 401:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"ontolabel serve did not start: {log_path.read_text()}")
            time.sleep(0.2)
        yield base
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def qapi(quality_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=quality_server, timeout=120) as c:
        c.post(
            "/api/auth/login", json={"username": DEMO_USER[0], "password": DEMO_USER[1]}
        ).raise_for_status()
        yield c


@pytest.fixture
def qpage(browser, quality_server: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=quality_server, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _pid(api: httpx.Client, name: str = PROJECT) -> int:
    return int(next(p["id"] for p in api.get("/api/projects").json() if p["name"] == name))


def _shown(value: float, places: int = 3) -> str:
    """A value as the page writes it (JavaScript's toFixed: the exact binary value rounded
    half away from zero, where Python's format rounds half to even), never -0.000."""
    assert math.isfinite(value)
    text = str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _expect_coefficients(page: Page, report: dict) -> None:  # type: ignore[type-arg]
    # the forest plot writes each estimate beside its interval, and under it why a
    # coefficient is undefined; the table lists them all
    plot = page.get_by_role("img", name="Agreement coefficients with confidence intervals")
    reasons = page.get_by_role("list", name="Why some values are undefined").first
    for c in report["coefficients"]:
        if c["value"] is None:
            expect(reasons).to_contain_text(f"undefined — {c['undefined_reason']}")
        else:
            expect(plot).to_contain_text(_shown(c["value"]))
    numbers = page.locator("details.quality-numbers")
    if numbers.get_attribute("open") is None:
        numbers.locator("summary").click()
    table = page.get_by_role("table", name="Agreement coefficients")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(len(report["coefficients"]))
    for k, c in enumerate(report["coefficients"]):
        row = rows.nth(k)
        expect(row.locator("td").first).to_have_text(c["label"])
        if c["value"] is None:
            expect(row.locator("td").nth(1)).to_have_text(f"undefined — {c['undefined_reason']}")
        else:
            expect(row.locator("td").nth(1)).to_have_text(_shown(c["value"]))


def _get(api: httpx.Client, pid: int, kind: str, **query: list[str]) -> dict:  # type: ignore[type-arg]
    answer = api.get(f"/api/projects/{pid}/quality/{kind}", params=dict(query), timeout=120)
    answer.raise_for_status()
    return answer.json()  # type: ignore[no-any-return]


def test_demo_quality_page_shows_the_api_numbers_and_follows_the_annotator_filter(
    page: Page, api: httpx.Client
) -> None:
    pid = _pid(api, DEMO_PROJECT)
    agreement = _get(api, pid, "agreement")
    gold = _get(api, pid, "gold")
    audit = _get(api, pid, "audit")
    two = _get(api, pid, "agreement", annotator=["sim-ana", "sim-cam"])
    assert agreement["raters"] == ["sim-ana", "sim-ben", "sim-cam"]
    assert two["raters"] == ["sim-ana", "sim-cam"]
    assert audit["findings"], "the demo's simulated fatigue and class confusion should be found"
    # the filter must be visible in the numbers, or the test could not tell
    before = {c["label"]: c["value"] for c in agreement["coefficients"]}
    assert any(c["value"] != before.get(c["label"]) for c in two["coefficients"])

    login(page)
    page.goto(f"/projects/{pid}")
    page.get_by_role("link", name="Quality: agreement, gold, audit").click()
    expect(page).to_have_url(re.compile(rf"/projects/{pid}/quality$"))
    expect(page.get_by_role("heading", name=f"Quality — {DEMO_PROJECT}")).to_be_visible()

    # findings first, in the API's order
    findings = page.get_by_role("region", name="Findings").locator("li")
    expect(findings).to_have_text(audit["findings"])
    _expect_coefficients(page, agreement)
    expect(
        page.get_by_text(f"{agreement['n_items']} items with ≥ 2 annotators", exact=False)
    ).to_be_visible()

    # pairwise κ, row by row against the API's pairs
    matrix = page.get_by_role("table", name="Pairwise Cohen's kappa")
    raters = agreement["raters"]
    for p in agreement["pairwise"]:
        i, j = raters.index(p["a"]), raters.index(p["b"])
        kappa = p["cohen_kappa"]["value"]
        cell = matrix.locator("tbody tr").nth(i).locator("td").nth(j)
        expect(cell).to_have_text(_shown(kappa, 2) if kappa is not None else "undefined")

    # gold: one row per annotator, F1 as the API computed it
    scores = page.get_by_role("table", name="Scores against gold").locator("tbody tr")
    expect(scores).to_have_count(len(gold["annotators"]))
    for k, a in enumerate(gold["annotators"]):
        expect(scores.nth(k).locator("td").first).to_have_text(a["annotator"])
        expect(scores.nth(k).locator('td[data-metric="f1"]')).to_have_text(_shown(a["f1"]))
    expect(page.get_by_role("img", name="Quality over time for sim-cam")).to_be_visible()
    screenshot(page, "quality-demo")
    page.screenshot(path=str(ARTIFACTS / "quality-demo-full.png"), full_page=True)

    # only sim-ana and sim-cam: the page asks the server again with the filter and shows its numbers
    page.get_by_label("Annotator filter").click()
    group = page.get_by_role("group", name="Annotator")
    with page.expect_response(
        lambda r: "/quality/agreement" in r.url and "annotator=sim-cam" in r.url
    ):
        group.get_by_label("sim-ana").check()
        group.get_by_label("sim-cam").check()
    page.keyboard.press("Escape")
    expect(page).to_have_url(
        re.compile(rf"/projects/{pid}/quality\?annotator=sim-ana&annotator=sim-cam$")
    )
    expect(page.get_by_text("2 annotators (sim-ana, sim-cam)", exact=False)).to_be_visible()
    _expect_coefficients(page, two)
    screenshot(page, "quality-demo-filtered")


def test_the_class_filter_takes_a_class_with_its_descendants(page: Page, api: httpx.Client) -> None:
    """Topic is a parent class: filtering by it keeps its subclasses, one row each per class."""
    pid = _pid(api, DEMO_PROJECT)
    topic = _get(api, pid, "agreement", **{"class": ["Topic"]})
    assert {c["class"] for c in topic["per_class"]} >= {"Politics", "Sport"}
    login(page)
    page.goto(f"/projects/{pid}/quality")
    page.get_by_label("Class filter").click()
    with page.expect_response(lambda r: "/quality/agreement?class=Topic" in r.url):
        page.get_by_role("group", name="Class").get_by_label("Topic", exact=True).check()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(rf"/projects/{pid}/quality\?class=Topic$"))
    per_class = page.get_by_role("img", name=re.compile("per class with confidence intervals"))
    for c in topic["per_class"]:
        expect(per_class).to_contain_text(f"{c['class']} (n = {c['n_units']})")
    _expect_coefficients(page, topic)
    screenshot(page, "quality-demo-class")


def test_an_undefined_coefficient_reads_as_undefined_with_its_reason(
    qpage: Page, qapi: httpx.Client
) -> None:
    """alice and dan agree on two Positive reviews and nothing else: chance-corrected
    coefficients have no variation to work with, and the page says so in words."""
    pid = _pid(qapi)
    report = _get(qapi, pid, "agreement", annotator=["alice", "dan"])
    undefined = [c for c in report["coefficients"] if c["value"] is None]
    assert undefined and all(c["undefined_reason"] for c in undefined), report["coefficients"]
    login(qpage)
    qpage.goto(f"/projects/{pid}/quality?annotator=alice&annotator=dan")
    _expect_coefficients(qpage, report)
    expect(qpage.get_by_role("region", name="Agreement between annotators")).not_to_contain_text(
        "NaN"
    )
    # nobody marked gold items in this project
    expect(qpage.get_by_text("ontolabel gold set", exact=False)).to_be_visible()
    screenshot(qpage, "quality-undefined")


def test_one_annotator_alone_gets_the_empty_state(qpage: Page, qapi: httpx.Client) -> None:
    pid = _pid(qapi)
    login(qpage)
    qpage.goto(f"/projects/{pid}/quality?annotator=carol")
    expect(
        qpage.get_by_text("Agreement needs items with ≥ 2 annotators", exact=False)
    ).to_be_visible()
    expect(qpage.get_by_role("article", name="Audit of carol")).to_be_visible()
    screenshot(qpage, "quality-empty")


def test_the_api_error_message_is_shown(page: Page, api: httpx.Client) -> None:
    """A class the ontology lacks is refused by the API; the page shows the API's message."""
    pid = _pid(api, DEMO_PROJECT)
    answer = api.get(f"/api/projects/{pid}/quality/agreement", params={"class": "NoSuchClass"})
    assert answer.status_code == 422, answer.text
    login(page)
    page.goto(f"/projects/{pid}/quality?class=NoSuchClass")
    expect(page.get_by_role("alert").first).to_contain_text(answer.json()["message"])
