"""Quality REST endpoints: the contract's shapes with real values, filters, gold routes and
access (an outsider is refused like on every project route)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ontolabel.services import projects
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace
from quality_world import World, agreeing_world, doc

AGREEMENT_RESULT_KEYS = {
    "coefficient", "label", "value", "undefined_reason", "ci", "per_category", "counts", "params",
}  # fmt: skip


@pytest.fixture
def world(workspace: Workspace, owner: UserInfo) -> World:
    return agreeing_world(workspace, owner)


def _base(world: World) -> str:
    return f"/api/projects/{world.project_id}"


def test_agreement_report_over_rest(client: TestClient, world: World) -> None:
    reply = client.get(f"{_base(world)}/quality/agreement", params={"n_resamples": 200})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["project_id"] == world.project_id
    assert (body["raters"], body["n_items"], body["n_units"]) == (["alice", "bob"], 4, 4)
    assert body["filters"] == {"class": [], "annotator": [], "since": None, "until": None}
    for result in body["coefficients"]:
        assert set(result) == AGREEMENT_RESULT_KEYS
    kappa = next(c for c in body["coefficients"] if c["coefficient"] == "cohen_kappa")
    assert kappa["value"] == pytest.approx(0.5)
    # resamples where kappa is undefined (one class drawn) are not counted
    assert 100 < kappa["ci"]["n_resamples"] <= 200
    assert kappa["ci"]["low"] <= 0.5 <= kappa["ci"]["high"]
    assert body["pairwise"][0]["cohen_kappa"]["value"] == pytest.approx(0.5)
    assert body["pairwise"][0]["geometry"]["f1"] == pytest.approx(0.75)
    assert body["confusion"] == {"labels": ["Location", "Person"], "matrix": [[2, 1], [1, 4]]}
    assert [p["class"] for p in body["per_class"]] == ["Location", "Person"]


def test_filters_are_applied_and_echoed(client: TestClient, world: World) -> None:
    reply = client.get(
        f"{_base(world)}/quality/agreement",
        params={"class": "Location", "annotator": ["alice", "bob"], "since": "2026-11-02",
                "until": "2026-11-02", "n_resamples": 0},
    )  # fmt: skip
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["filters"] == {
        "class": ["Location"], "annotator": ["alice", "bob"],
        "since": "2026-11-02", "until": "2026-11-02",
    }  # fmt: skip
    # only Location objects are left: item 2 (both), item 3 (bob only; alice said Person)
    assert body["n_units"] == 2
    assert body["confusion"] == {"labels": ["Location", "∅"], "matrix": [[2, 1], [1, 0]]}
    assert all(c["ci"] is None for c in body["coefficients"])
    nothing = client.get(f"{_base(world)}/quality/agreement", params={"since": "2027-01-01"})
    assert nothing.json()["n_items"] == 0 and nothing.json()["notes"]


def test_unknown_class_is_a_422_naming_it(client: TestClient, world: World) -> None:
    reply = client.get(f"{_base(world)}/quality/audit", params={"class": "Car"})
    assert reply.status_code == 422
    assert "Car" in reply.json()["message"]


def test_gold_routes_and_gold_report(client: TestClient, world: World) -> None:
    base = _base(world)
    item2, item3 = world.item_ids[2], world.item_ids[3]
    location = doc(ann="Location").model_dump(mode="json")
    put = client.put(f"{base}/items/{item2}/gold", json={"annotation": location})
    assert put.status_code == 200, put.text
    assert put.json()["set_by"] == "olga" and put.json()["external_id"] == "t2"
    put = client.put(f"{base}/items/{item3}/gold", json={"from_user": "bob"})
    assert put.status_code == 200 and put.json()["document"] == location
    listed = client.get(f"{base}/gold").json()
    assert [g["item_id"] for g in listed] == [item2, item3]

    report = client.get(f"{base}/quality/gold").json()
    assert report["n_gold_items"] == 2
    alice = next(a for a in report["annotators"] if a["annotator"] == "alice")
    assert alice["f1"] == pytest.approx(0.5) and alice["accuracy"] == pytest.approx(0.5)
    assert alice["cer"] is None
    assert report["confusion"] == {"labels": ["Location", "Person"], "matrix": [[3, 1], [0, 0]]}

    bad = client.put(f"{base}/items/{item2}/gold", json={"annotation": location, "from_user": "x"})
    assert bad.status_code == 422
    wrong = doc(ann="Person").model_dump(mode="json")
    wrong["objects"][0]["geometry"]["text"] = "Bob"
    refused = client.put(f"{base}/items/{item2}/gold", json={"annotation": wrong})
    assert refused.status_code == 422 and refused.json()["violations"]

    assert client.delete(f"{base}/items/{item2}/gold").status_code == 204
    assert client.delete(f"{base}/items/{item2}/gold").status_code == 404
    assert [g["item_id"] for g in client.get(f"{base}/gold").json()] == [item3]


def test_audit_report_over_rest(client: TestClient, world: World) -> None:
    reply = client.get(
        f"{_base(world)}/quality/audit", params={"session_gap_minutes": 10, "n_resamples": 0}
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["options"]["session_gap_minutes"] == 10
    alice = next(a for a in body["annotators"] if a["annotator"] == "alice")
    # alice submitted at 0, 1, 2, 3 minutes: one session, 60 s per item after the first
    assert (alice["n_items"], alice["n_sessions"]) == (4, 1)
    assert alice["median_seconds_per_item"] == 60.0
    assert [p["score"] for p in alice["timeline"]] == [1.0, 1.0, 1.0, 0.0]
    assert alice["drift"]["verdict"] == "not enough data"
    assert alice["agreement_with_peers"]["coefficient"] == "krippendorff_alpha"
    assert body["findings"] == []


def test_outsiders_and_annotators_are_refused_like_elsewhere(
    client: TestClient, outsider_client: TestClient, world: World, workspace: Workspace
) -> None:
    base = _base(world)
    for path in ("quality/agreement", "quality/gold", "quality/audit", "gold"):
        assert outsider_client.get(f"{base}/{path}").status_code == 403
        assert client.get(f"/api/projects/999/{path}").status_code == 404
    item = world.item_ids[0]
    refused = outsider_client.put(f"{base}/items/{item}/gold", json={"from_user": "alice"})
    assert refused.status_code == 403
    # an annotator may read quality but not set gold
    alice = world.annotators["alice"]
    projects.set_member(workspace, world.project_id, alice.id, "viewer", user_id=world.owner.id)
    with TestClient(client.app) as viewer:
        viewer.post(
            "/api/auth/login", json={"username": "alice", "password": "correct horse battery"}
        )
        assert viewer.get(f"{base}/quality/audit", params={"n_resamples": 0}).status_code == 200
        put = viewer.put(f"{base}/items/{item}/gold", json={"from_user": "alice"})
        assert put.status_code == 403
        assert "reviewer" in put.json()["message"]
