"""The Quality page in a real browser over a real server.

The data is built through the services before the server starts: a text project whose
items three annotators tagged with a sentiment, alice and bob mostly alike, carol often
not. The page must show the coefficients the REST API computes, digit for digit, and
follow the annotator filter.
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
# what each annotator said on review i; bob differs from alice twice, carol seven times
LABELS = {
    "alice": [P, P, N, U, P, N, N, U, P, P, N, U, P, N, U, P],
    "bob":   [P, P, N, U, P, N, N, U, P, N, N, U, P, N, P, P],
    "carol": [P, N, N, P, P, U, N, U, N, P, P, U, N, N, U, U],
}  # fmt: skip


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
            for item_id, label in zip(item_ids, labels, strict=True):
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


def _pid(api: httpx.Client) -> int:
    return int(next(p["id"] for p in api.get("/api/projects").json() if p["name"] == PROJECT))


def _shown(value: float, places: int = 3) -> str:
    """A value as the page writes it (JavaScript's toFixed: the exact binary value rounded
    half away from zero, where Python's format rounds half to even), never -0.000."""
    assert math.isfinite(value)
    text = str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _expect_coefficients(page: Page, report: dict) -> None:  # type: ignore[type-arg]
    # the forest plot writes each estimate beside its interval, the table lists them all
    plot = page.get_by_role("img", name="Agreement coefficients with confidence intervals")
    for c in report["coefficients"]:
        expect(plot).to_contain_text(
            _shown(c["value"]) if c["value"] is not None else f"undefined — {c['undefined_reason']}"
        )
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
            expect(row).to_contain_text(f"undefined — {c['undefined_reason']}")
        else:
            expect(row.locator("td").nth(1)).to_have_text(_shown(c["value"]))


def test_quality_page_shows_the_api_numbers_and_follows_the_annotator_filter(
    qpage: Page, qapi: httpx.Client
) -> None:
    pid = _pid(qapi)
    everyone = qapi.get(f"/api/projects/{pid}/quality/agreement").json()
    pair = qapi.get(
        f"/api/projects/{pid}/quality/agreement",
        params=[("annotator", "alice"), ("annotator", "bob")],
    ).json()
    assert everyone["raters"] == ["alice", "bob", "carol"]
    assert pair["raters"] == ["alice", "bob"]
    defined = [c for c in everyone["coefficients"] if c["value"] is not None]
    assert defined, everyone["coefficients"]
    # the filter must be visible in the numbers, or the test could not tell
    before = {c["label"]: c["value"] for c in everyone["coefficients"]}
    changed = [
        c["label"]
        for c in pair["coefficients"]
        if c["value"] is not None and c["value"] != before.get(c["label"])
    ]
    assert changed

    login(qpage)
    qpage.goto(f"/projects/{pid}")
    qpage.get_by_role("link", name="Quality: agreement, gold, audit").click()
    expect(qpage).to_have_url(re.compile(rf"/projects/{pid}/quality$"))
    expect(qpage.get_by_role("heading", name=f"Quality — {PROJECT}")).to_be_visible()
    _expect_coefficients(qpage, everyone)
    expect(
        qpage.get_by_text(f"{everyone['n_items']} items with ≥ 2 annotators", exact=False)
    ).to_be_visible()
    # the forest plot and the pairwise matrix are drawn
    expect(
        qpage.get_by_role("img", name="Agreement coefficients with confidence intervals").locator(
            "svg"
        )
    ).to_have_count(1)
    matrix = qpage.get_by_role("table", name="Pairwise Cohen's kappa")
    ab = next(p for p in everyone["pairwise"] if {p["a"], p["b"]} == {"alice", "bob"})
    if ab["cohen_kappa"]["value"] is not None:
        expect(matrix.locator("tbody tr").nth(0).locator("td").nth(1)).to_have_text(
            f"{ab['cohen_kappa']['value']:.2f}"
        )
    screenshot(qpage, "quality-page")
    qpage.screenshot(path=str(ARTIFACTS / "quality-page-full.png"), full_page=True)

    # only alice and bob: the page asks the server again with the filter and shows its numbers
    qpage.get_by_label("Annotator filter").click()
    with qpage.expect_response(
        lambda r: "/quality/agreement" in r.url and "annotator=bob" in r.url
    ):
        qpage.get_by_role("group", name="Annotator").get_by_label("alice").check()
        qpage.get_by_role("group", name="Annotator").get_by_label("bob").check()
    qpage.keyboard.press("Escape")
    expect(qpage).to_have_url(
        re.compile(rf"/projects/{pid}/quality\?annotator=alice&annotator=bob$")
    )
    _expect_coefficients(qpage, pair)
    expect(qpage.get_by_text("2 annotators (alice, bob)", exact=False)).to_be_visible()
    screenshot(qpage, "quality-page-filtered")


def test_quality_page_says_what_is_missing(qpage: Page, qapi: httpx.Client) -> None:
    """A scope with one annotator and no gold: the empty states say what is needed."""
    pid = _pid(qapi)
    login(qpage)
    qpage.goto(f"/projects/{pid}/quality?annotator=carol")
    expect(
        qpage.get_by_text("Agreement needs items with ≥ 2 annotators", exact=False)
    ).to_be_visible()
    expect(qpage.get_by_text("ontolabel gold set", exact=False)).to_be_visible()
    screenshot(qpage, "quality-page-empty")


def test_quality_page_shows_the_api_error_message(qpage: Page, qapi: httpx.Client) -> None:
    """A class the ontology lacks is refused by the API; the page shows the API's message."""
    pid = _pid(qapi)
    login(qpage)
    qpage.goto(f"/projects/{pid}/quality?class=NoSuchClass")
    answer = qapi.get(f"/api/projects/{pid}/quality/agreement", params={"class": "NoSuchClass"})
    assert answer.status_code == 422, answer.text
    expect(qpage.get_by_role("alert").first).to_contain_text(answer.json()["message"])
