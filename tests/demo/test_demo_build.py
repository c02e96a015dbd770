"""The demo workspace: every scenario's project with real items, and a second build that
neither duplicates nor loses anything."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.audio import Interval
from ontolabel.core.geometry.box import Box
from ontolabel.core.geometry.calibration import Calibration, project_points
from ontolabel.core.modality import Modality
from ontolabel.demo import (
    AUDIO_PROJECT,
    DEMO_PASSWORD,
    IMAGE_PROJECT,
    MEDICAL_PROJECT,
    POINTCLOUD_PROJECT,
    PROJECTS,
    TEXT_PROJECT,
    VIDEO_PROJECT,
    build_demo,
)
from ontolabel.demo.sources import call_transcript
from ontolabel.demo.wheels import LEE_BACKGROUND, read_member
from ontolabel.media import load_points, render_display
from ontolabel.services import annotations, items, projects, users
from ontolabel.services.workspace import Workspace

EXPECTED_ITEMS = {
    MEDICAL_PROJECT: 3,
    IMAGE_PROJECT: 5,
    VIDEO_PROJECT: 1,
    POINTCLOUD_PROJECT: 1,
    TEXT_PROJECT: 300,
    AUDIO_PROJECT: 1,
}


def _all_items(ws: Workspace, project_id: int, user_id: int) -> list[items.ItemSummary]:
    page = items.list_items(ws, project_id, user_id=user_id, limit=500)
    assert page.next_after is None
    return page.items


def test_demo_build_is_complete_and_idempotent(workspace: Workspace, wheels: Path) -> None:
    steps: list[tuple[str, int, int]] = []
    first = build_demo(workspace, lambda *step: steps.append(step), wheel_cache=wheels)
    assert steps[-1] == ("done", len(PROJECTS) + 1, len(PROJECTS) + 1)
    assert sorted(first.users_created) == ["admin", "demo"]
    demo = users.authenticate(workspace, "demo", DEMO_PASSWORD)
    assert first.admin_password is not None
    assert users.authenticate(workspace, "admin", first.admin_password).is_admin

    counts = {p.name: p.items_created for p in first.projects}
    assert counts == EXPECTED_ITEMS
    listed = {p.name: p for p in projects.list_projects(workspace, user_id=demo.id)}
    assert {name: p.item_count for name, p in listed.items()} == EXPECTED_ITEMS
    assert listed[MEDICAL_PROJECT].modality is Modality.IMAGE
    assert listed[POINTCLOUD_PROJECT].modality is Modality.POINTCLOUD
    medical = projects.get_project(workspace, listed[MEDICAL_PROJECT].id, user_id=demo.id)
    assert "Boundary rules" in medical.guideline and "pericardium" in medical.guideline

    # some work done between the two builds must survive the second one
    frames = _all_items(workspace, listed[IMAGE_PROJECT].id, demo.id)
    car = AnnotationObject(id="o1", class_name="Car", geometry=Box(x1=10, y1=20, x2=200, y2=250))
    saved = annotations.save_annotation(
        workspace,
        frames[0].id,
        Annotation(objects=[car]),
        user_id=demo.id,
        base_revision=0,
        status="submitted",
    )
    before = {
        name: [i.id for i in _all_items(workspace, p.id, demo.id)] for name, p in listed.items()
    }

    second = build_demo(workspace, wheel_cache=wheels)
    assert second.users_created == [] and second.admin_password is None
    assert all(not p.created and p.items_created == 0 for p in second.projects)
    assert {p.name: p.items_kept for p in second.projects} == EXPECTED_ITEMS
    assert {p.name: p.ontology_version for p in second.projects} == dict.fromkeys(EXPECTED_ITEMS, 1)
    after = {
        name: [i.id for i in _all_items(workspace, p.id, demo.id)] for name, p in listed.items()
    }
    assert after == before
    kept = annotations.get_annotation(workspace, frames[0].id, user_id=demo.id)
    assert (kept.revision, kept.status) == (saved.revision, "submitted")
    assert kept.document == Annotation(objects=[car])
    assert len(projects.list_projects(workspace, user_id=demo.id)) == len(PROJECTS)


def test_changed_ontology_becomes_a_new_version(workspace: Workspace, wheels: Path) -> None:
    audio_only = [p for p in PROJECTS if p.name == AUDIO_PROJECT]
    build_demo(workspace, wheel_cache=wheels, projects=audio_only)
    demo = users.authenticate(workspace, "demo", DEMO_PASSWORD)
    project = projects.get_project_by_name(workspace, AUDIO_PROJECT, user_id=demo.id)
    assert project is not None
    edited = projects.get_ontology(workspace, project.id, user_id=demo.id).document
    edited = {**edited, "description": "edited by hand"}
    projects.set_ontology(workspace, project.id, edited, user_id=demo.id)
    again = build_demo(workspace, wheel_cache=wheels, projects=audio_only)
    # the demo's own ontology comes back as version 3; versions 1 and 2 stay
    assert again.projects[0].ontology_version == 3
    versions = projects.list_ontology_versions(workspace, project.id, user_id=demo.id)
    assert [v.version for v in versions] == [1, 2, 3]


def test_media_of_each_project(workspace: Workspace, wheels: Path) -> None:
    chosen = [p for p in PROJECTS if p.name in (MEDICAL_PROJECT, POINTCLOUD_PROJECT, AUDIO_PROJECT)]
    build_demo(workspace, wheel_cache=wheels, projects=chosen)
    demo = users.authenticate(workspace, "demo", DEMO_PASSWORD)
    by_name = {p.name: p.id for p in projects.list_projects(workspace, user_id=demo.id)}

    medical = {
        i.external_id: items.get_item(workspace, i.id, user_id=demo.id)
        for i in _all_items(workspace, by_name[MEDICAL_PROJECT], demo.id)
    }
    assert sorted(medical) == ["CT_small", "MR_small", "retina"]
    ct = medical["CT_small"].content.media[0]
    assert (ct.mime, ct.width, ct.height) == ("application/dicom", 128, 128)
    rendered = render_display(workspace.blobs.path(ct.sha256), ct)
    assert rendered is not None
    assert Image.open(io.BytesIO(rendered[0])).size == (128, 128)
    retina = medical["retina"].content.media[0]
    assert (retina.width, retina.height) == (1411, 1411)

    (cloud_item,) = _all_items(workspace, by_name[POINTCLOUD_PROJECT], demo.id)
    content = items.get_item(workspace, cloud_item.id, user_id=demo.id).content
    cloud_info, left_info, right_info = content.media
    assert cloud_info.modality is Modality.POINTCLOUD
    points = load_points(workspace.blobs.path(cloud_info.sha256))
    assert cloud_info.point_count == len(points) > 300_000
    left = Calibration.model_validate(left_info.extra["calibration"])
    assert (left.width, left.height) == (left_info.width, left_info.height) == (741, 500)
    uv, in_front = project_points(left, points[:, :3])
    assert in_front.all()
    # every point lands on an integer pixel of the stored left image (its source pixel)
    assert np.abs(uv - np.rint(uv)).max() < 1e-6
    pixels = np.rint(uv)
    assert pixels[:, 0].min() >= 0 and pixels[:, 0].max() <= 740 and pixels[:, 1].max() <= 499
    assert Calibration.model_validate(right_info.extra["calibration"]).width == 741

    (call,) = _all_items(workspace, by_name[AUDIO_PROJECT], demo.id)
    audio = items.get_item(workspace, call.id, user_id=demo.id).content.media[0]
    assert (audio.modality, audio.sample_rate, audio.channels, audio.duration) == (
        Modality.AUDIO,
        16000,
        1,
        30.0,
    )
    # the reference transcript shipped with the call arrives as the demo user's draft
    (prelabel,) = annotations.list_revisions(workspace, call.id, user_id=demo.id)
    assert (prelabel.status, prelabel.source) == ("draft", "model")
    turns = [t.geometry for t in prelabel.document.objects]
    assert all(isinstance(t, Interval) for t in turns)
    assert len(turns) == len(call_transcript(wheels)) >= 10
    assert {t.speaker for t in turns} == {"Diane", "Sheila"}  # type: ignore[union-attr]
    first = turns[0]
    assert (first.start, first.end, first.speaker, first.transcript) == (  # type: ignore[union-attr]
        6.68,
        7.16,
        "Diane",
        "Hello?",
    )
    assert max(t.end for t in turns) <= 30.0  # type: ignore[union-attr]


def test_text_items_are_the_articles_verbatim(workspace: Workspace, wheels: Path) -> None:
    build_demo(
        workspace, wheel_cache=wheels, projects=[p for p in PROJECTS if p.name == TEXT_PROJECT]
    )
    demo = users.authenticate(workspace, "demo", DEMO_PASSWORD)
    project = projects.get_project_by_name(workspace, TEXT_PROJECT, user_id=demo.id)
    assert project is not None
    lines = read_member(wheels, LEE_BACKGROUND).decode("utf-8").splitlines()
    listed = _all_items(workspace, project.id, demo.id)
    assert len(listed) == 300 == len([line for line in lines if line.strip()])
    for summary in (listed[0], listed[150], listed[-1]):
        item = items.get_item(workspace, summary.id, user_id=demo.id)
        line = item.content.meta["line"]
        assert item.content.text == lines[line - 1].strip()
