"""Quality services: gold storage, collecting submitted work, the agreement, gold and audit
reports with values worked by hand, and importing dated history."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.text import Span
from ontolabel.errors import AnnotationInvalid, Forbidden, InvalidError, NotFound
from ontolabel.quality.agreement import Ratings, cohen_kappa
from ontolabel.services import gold, projects
from ontolabel.services.quality_agreement import AgreementOptions, agreement_report
from ontolabel.services.quality_audit import AuditSettings, audit_report
from ontolabel.services.quality_gold import gold_report
from ontolabel.services.quality_history import PastRevision, import_history
from ontolabel.services.quality_scope import QualityFilters, collecting
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from quality_world import ONTOLOGY, T0, agreeing_world, build_world, doc, submit

FAST = AgreementOptions(ci=False)


def _collect(ws: Workspace, world, filters: QualityFilters):  # type: ignore[no-untyped-def]
    with collecting(ws, world.project_id, user_id=world.owner.id, filters=filters) as scope:
        return scope, list(scope.items)


# --- gold -----------------------------------------------------------------------------


def test_gold_set_from_a_document_or_a_user_listed_and_cleared(
    workspace: Workspace, owner: UserInfo
) -> None:
    world = agreeing_world(workspace, owner)
    first, second = world.item_ids[0], world.item_ids[1]
    record = gold.set_gold(
        workspace, world.project_id, first, user_id=owner.id, document=doc(ann="Person")
    )
    assert (record.item_id, record.external_id, record.set_by) == (first, "t0", "olga")
    copied = gold.set_gold(workspace, world.project_id, second, user_id=owner.id, from_user="bob")
    assert copied.document == doc(ann="Person")
    listed = gold.list_gold(workspace, world.project_id, user_id=owner.id)
    assert [(g.item_id, g.ontology_version) for g in listed] == [(first, 1), (second, 1)]
    # setting again replaces
    gold.set_gold(workspace, world.project_id, first, user_id=owner.id, document=doc())
    assert len(gold.list_gold(workspace, world.project_id, user_id=owner.id)) == 2
    gold.clear_gold(workspace, world.project_id, first, user_id=owner.id)
    assert [g.item_id for g in gold.list_gold(workspace, world.project_id, user_id=owner.id)] == [
        second
    ]
    with pytest.raises(NotFound, match="has no gold"):
        gold.clear_gold(workspace, world.project_id, first, user_id=owner.id)


def test_gold_is_checked_against_the_ontology_and_needs_a_reviewer(
    workspace: Workspace, owner: UserInfo
) -> None:
    world = agreeing_world(workspace, owner)
    item = world.item_ids[0]
    wrong = Annotation(
        objects=[
            AnnotationObject(id="x", class_name="Person", geometry=Span(start=0, end=3, text="Bob"))
        ]
    )
    with pytest.raises(AnnotationInvalid) as caught:
        gold.set_gold(workspace, world.project_id, item, user_id=owner.id, document=wrong)
    assert caught.value.location.item == str(item)
    with pytest.raises(Forbidden, match="reviewer"):
        gold.set_gold(
            workspace, world.project_id, item,
            user_id=world.annotators["alice"].id, document=doc(),
        )  # fmt: skip
    with pytest.raises(NotFound, match="no annotation on item"):
        gold.set_gold(workspace, world.project_id, item, user_id=owner.id, from_user="carol")
    with pytest.raises(InvalidError, match="either"):
        gold.set_gold(workspace, world.project_id, item, user_id=owner.id)
    other = projects.create_project(
        workspace, name="elsewhere", modality="text", ontology=ONTOLOGY, user_id=owner.id
    )
    with pytest.raises(NotFound):
        gold.set_gold(workspace, other.id, item, user_id=owner.id, document=doc())


# --- collecting -----------------------------------------------------------------------


def test_collecting_reads_current_submitted_work_with_filters(
    workspace: Workspace, owner: UserInfo
) -> None:
    world = build_world(workspace, owner)
    submit(workspace, world, "alice", 0, doc(ann="Person", paris="Location"), minutes=0)
    # a later revision replaces the earlier one
    submit(workspace, world, "alice", 0, doc(ann="Person", bob="Person"), minutes=5)
    submit(workspace, world, "bob", 0, doc(paris="Location"), minutes=1)
    submit(workspace, world, "carol", 1, doc(ann="Person"), minutes=60 * 24 * 3)
    submit(workspace, world, "carol", 2, doc(ann="Person"), minutes=2, status="draft")

    scope, found = _collect(workspace, world, QualityFilters())
    assert scope.n_items == 2
    assert [w.item_id for w in found] == world.item_ids[:2]
    alice = found[0].submissions["alice"]
    assert {o.id for o in alice.document.objects} == {"ann", "bob"}
    assert alice.time == T0 + timedelta(minutes=5)

    # a class includes its descendants; objects of other classes are dropped
    _, only = _collect(workspace, world, QualityFilters(classes=("Location",)))
    assert [o.id for o in only[0].submissions["bob"].document.objects] == ["paris"]
    assert only[0].submissions["alice"].document.objects == []
    _, entity = _collect(workspace, world, QualityFilters(classes=("Entity",)))
    assert len(entity[0].submissions["alice"].document.objects) == 2

    _, carol = _collect(workspace, world, QualityFilters(annotators=("carol",)))
    assert [list(w.submissions) for w in carol] == [["carol"]]
    _, early = _collect(workspace, world, QualityFilters(until=date(2026, 11, 2)))
    assert [w.item_id for w in early] == world.item_ids[:1]
    _, late = _collect(workspace, world, QualityFilters(since=date(2026, 11, 3)))
    assert [w.item_id for w in late] == world.item_ids[1:2]

    with pytest.raises(InvalidError, match="no class 'Car'") as caught:
        _collect(workspace, world, QualityFilters(classes=("Car",)))
    assert "Person" in (caught.value.hint or "")


def test_collecting_pages_through_many_items(workspace: Workspace, owner: UserInfo) -> None:
    world = build_world(workspace, owner, n_items=7)
    for i in range(7):
        submit(workspace, world, "alice", i, doc(ann="Person"), minutes=i)
    with collecting(
        workspace, world.project_id, user_id=owner.id, filters=QualityFilters(), page_size=3
    ) as scope:
        assert [w.item_id for w in scope.items] == world.item_ids


def test_outsiders_may_not_read_quality(
    workspace: Workspace, owner: UserInfo, outsider: UserInfo
) -> None:
    world = agreeing_world(workspace, owner)
    with pytest.raises(Forbidden):
        agreement_report(workspace, world.project_id, user_id=outsider.id)
    with pytest.raises(NotFound):
        agreement_report(workspace, 999, user_id=owner.id)


# --- reports --------------------------------------------------------------------------


def test_agreement_report_values_worked_by_hand(workspace: Workspace, owner: UserInfo) -> None:
    world = agreeing_world(workspace, owner)
    report = agreement_report(workspace, world.project_id, user_id=owner.id, options=FAST)
    assert (report.n_items, report.n_units, report.raters) == (4, 4, ["alice", "bob"])
    by_key = {(c.coefficient, str(c.params.get("weights"))): c for c in report.coefficients}
    assert by_key[("percent_agreement", "None")].value == pytest.approx(0.75)
    # alice P P L P, bob P P L L: po = 3/4, pe = 3/4*2/4 + 1/4*2/4 = 1/2, kappa = 1/2
    kappa = next(c for c in report.coefficients if c.coefficient == "cohen_kappa")
    assert kappa.value == pytest.approx(0.5)
    pair = report.pairwise[0]
    assert (pair["a"], pair["b"], pair["n_items"]) == ("alice", "bob", 4)
    assert pair["cohen_kappa"].value == pytest.approx(0.5)
    # same spans, class differs on one item: matched within class, 3 of 4 pairs
    assert pair["geometry"]["f1"] == pytest.approx(0.75)
    assert report.confusion == {
        "labels": ["Location", "Person"],
        "matrix": [[2, 1], [1, 4]],
    }
    person = next(p for p in report.per_class if p["class"] == "Person")
    assert person["n_units"] == 3
    # Person vs not-Person is the same 2x2 table here: kappa 1/2 again, through alpha too
    binary = Ratings.from_table([["Person", "Person"], ["Person", "Person"], ["no", "no"],
                                 ["Person", "no"]])  # fmt: skip
    assert cohen_kappa(binary, ci=False).value == pytest.approx(0.5)
    assert {c.coefficient for c in person["coefficients"]} >= {"krippendorff_alpha"}


def test_agreement_report_says_what_is_needed_without_two_annotators(
    workspace: Workspace, owner: UserInfo
) -> None:
    world = build_world(workspace, owner)
    submit(workspace, world, "alice", 0, doc(ann="Person"), minutes=0)
    report = agreement_report(workspace, world.project_id, user_id=owner.id, options=FAST)
    assert report.n_items == 0 and report.coefficients == []
    assert "at least two people" in report.notes[0]


def test_gold_report_scores_each_annotator(workspace: Workspace, owner: UserInfo) -> None:
    world = agreeing_world(workspace, owner)
    for i in (2, 3):
        gold.set_gold(
            workspace, world.project_id, world.item_ids[i], user_id=owner.id,
            document=doc(ann="Location"),
        )  # fmt: skip
    body = gold_report(workspace, world.project_id, user_id=owner.id).to_dict()
    assert body["n_gold_items"] == 2
    people = {a["annotator"]: a for a in body["annotators"]}
    # alice: Location on item 2, Person on item 3 -> 1 TP, 1 FP, 1 FN
    assert people["alice"]["f1"] == pytest.approx(0.5)
    assert people["alice"]["accuracy"] == pytest.approx(0.5)
    assert people["bob"]["f1"] == pytest.approx(1.0)
    loc = next(c for c in people["alice"]["per_class"] if c["class"] == "Location")
    assert (loc["recall"], loc["support"]) == (0.5, 2)
    assert body["confusion"]["labels"] == ["Location", "Person"]
    # rows gold, columns annotated: Location->Location 3 times, Location->Person once
    assert body["confusion"]["matrix"] == [[3, 1], [0, 0]]


def test_audit_report_times_sessions_and_scores(workspace: Workspace, owner: UserInfo) -> None:
    world = build_world(workspace, owner, n_items=4)
    # alice: submits at 0, 2, 3 min, then after a 2 h pause at 123 min
    for i, minute in enumerate([0, 2, 3, 123]):
        submit(workspace, world, "alice", i, doc(ann="Person"), minutes=minute)
        submit(workspace, world, "bob", i, doc(ann="Person" if i < 3 else "Location"), minute + 1)
    gold.set_gold(workspace, world.project_id, world.item_ids[0], user_id=owner.id, document=doc())
    report = audit_report(
        workspace, world.project_id, user_id=owner.id, settings=AuditSettings(ci=False)
    )
    body = report.to_dict()
    alice = next(a for a in body["annotators"] if a["annotator"] == "alice")
    assert (alice["n_items"], alice["n_sessions"]) == (4, 2)
    assert alice["median_seconds_per_item"] == 90.0  # 120 s and 60 s
    assert alice["items_per_hour"] == pytest.approx(2 * 3600 / 180)
    timeline = alice["timeline"]
    assert [e["session"] for e in timeline] == [0, 0, 0, 1]
    # item 0 is gold (empty gold: alice's one span is a false positive); others vs bob
    assert [(e["score"], e["score_kind"]) for e in timeline] == [
        (0.0, "gold_f1"), (1.0, "peer_f1"), (1.0, "peer_f1"), (0.0, "peer_f1"),
    ]  # fmt: skip
    assert alice["gold_f1"] == 0.0
    assert alice["agreement_with_peers"]["coefficient"] == "krippendorff_alpha"
    assert alice["drift"]["verdict"] == "not enough data"
    assert body["findings"] == []


# --- history --------------------------------------------------------------------------


def test_history_is_appended_in_order_and_checked(workspace: Workspace, owner: UserInfo) -> None:
    world = build_world(workspace, owner)
    submit(workspace, world, "alice", 0, doc(ann="Person"), minutes=10)
    with pytest.raises(InvalidError, match="nothing was imported") as caught:
        submit(workspace, world, "alice", 0, doc(ann="Person"), minutes=5)
    assert "history is not rewritten" in str(caught.value)
    alice = world.annotators["alice"]
    bad = Annotation(
        objects=[
            AnnotationObject(id="x", class_name="Car", geometry=Span(start=0, end=3, text="Ann"))
        ]
    )
    with pytest.raises(InvalidError):
        import_history(
            workspace, world.project_id,
            [PastRevision(world.item_ids[1], alice.id, bad, T0)], user_id=owner.id,
        )  # fmt: skip
    with pytest.raises(Forbidden):
        import_history(
            workspace, world.project_id,
            [PastRevision(world.item_ids[1], alice.id, doc(), T0)], user_id=alice.id,
        )  # fmt: skip


def test_audit_finds_a_drop_for_everyone_at_an_ontology_version_switch(
    workspace: Workspace, owner: UserInfo
) -> None:
    """Day 1 under ontology v1: the three annotators agree. Day 2 under v2: each labels the
    spans at random. The audit names the version switch, and no annotator or fatigue."""
    world = build_world(workspace, owner, n_items=40)
    rng = np.random.default_rng(7)
    classes = ["Person", "Location"]
    for version, day, items in ((1, 0, range(20)), (2, 1, range(20, 40))):
        if version == 2:
            revised = {**ONTOLOGY, "description": "v2: Location now covers facilities"}
            projects.set_ontology(workspace, world.project_id, revised, user_id=owner.id)
        for k, who in enumerate(("alice", "bob", "carol")):
            for n, i in enumerate(items):
                if version == 1:
                    labels = {"ann": "Person", "bob": "Person", "paris": "Location"}
                else:
                    labels = {key: str(rng.choice(classes)) for key in ("ann", "bob", "paris")}
                minutes = day * 24 * 60 + n * 1.5 + k * 0.2
                submit(workspace, world, who, i, doc(**labels), minutes=minutes)
    body = audit_report(
        workspace, world.project_id, user_id=owner.id, settings=AuditSettings(ci=False)
    ).to_dict()
    kinds = {(f["kind"], f["subject"]) for f in body["finding_details"]}
    assert kinds == {("version_change", "version 2")}
    assert "first used 2026-11-03" in body["findings"][0]
