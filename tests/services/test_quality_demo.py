"""The demo's simulated multi-annotator work on the real news articles: the audit finds the
causes the simulation put in (one annotator in one class, one tiring late in sessions) and
nothing else; a second run adds nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ontolabel.demo.catalog import PROJECTS as DEMO_PROJECTS
from ontolabel.demo.catalog import QUALITY_NOTE, TEXT_PROJECT, ontology_document
from ontolabel.demo.quality import ITEMS, add_to_project, reference_labels
from ontolabel.demo.sources import articles
from ontolabel.services import gold, items, projects
from ontolabel.services.quality_audit import AuditSettings, audit_report
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
WHEELS = Path(os.environ.get("ONTOLABEL_WHEEL_CACHE") or REPO / ".ontolabel" / "cache" / "wheels")


@pytest.fixture
def news(workspace: Workspace, owner: UserInfo) -> int:
    # the demo's own wheel cache (fetched once, as the demo tests do)
    info = projects.create_project(
        workspace, name="news", modality="text",
        ontology=ontology_document("clinical_text.yaml"), user_id=owner.id,
    )  # fmt: skip
    for article in articles(WHEELS, count=ITEMS + 5):
        items.add_text_item(
            workspace, info.id, text=article.text, user_id=owner.id,
            external_id=article.external_id,
        )  # fmt: skip
    return info.id


def test_reference_labels_are_spans_of_the_text_and_a_topic() -> None:
    text = "Prime Minister John Howard met the Reserve Bank in Sydney. Troops were killed."
    found = reference_labels(text)
    spans = {(o.geometry.text, o.class_name) for o in found.objects if o.geometry.kind == "span"}  # type: ignore[union-attr]
    assert ("John Howard", "Person") in spans
    assert ("Reserve Bank", "Organisation") in spans
    assert ("Sydney", "Location") in spans
    assert [o.class_name for o in found.objects if o.geometry.kind == "tag"] == ["Conflict"]


def test_the_scenario_shows_its_causes_and_is_idempotent(
    workspace: Workspace, owner: UserInfo, news: int
) -> None:
    first = add_to_project(workspace, news, owner_id=owner.id)
    assert first.annotators_created == ["sim-ana", "sim-ben", "sim-cam"]
    assert (first.revisions_imported, first.gold_set) == (3 * ITEMS, ITEMS // 6)
    again = add_to_project(workspace, news, owner_id=owner.id)
    assert (again.annotators_created, again.revisions_imported, again.gold_set) == ([], 0, 0)

    report = audit_report(
        workspace, news, user_id=owner.id, settings=AuditSettings(ci=False)
    ).to_dict()
    kinds = {(f["kind"], f["subject"]) for f in report["finding_details"]}
    assert kinds == {("annotator_class", "sim-ben/Organisation"), ("fatigue", "sim-cam")}
    people = {a["annotator"]: a for a in report["annotators"]}
    assert {a["n_sessions"] for a in people.values()} == {3}
    assert all(35 <= a["median_seconds_per_item"] <= 90 for a in people.values())
    assert people["sim-cam"]["drift"]["verdict"] == "drop"
    assert len(gold.list_gold(workspace, news, user_id=owner.id)) == ITEMS // 6


def test_the_demo_says_the_work_is_simulated() -> None:
    text = next(p for p in DEMO_PROJECTS if p.name == TEXT_PROJECT)
    assert QUALITY_NOTE in text.description and "SIMULATED" in QUALITY_NOTE
