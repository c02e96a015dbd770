"""A small text project with three annotators and dated history, for the quality surfaces'
tests (services, REST and CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.text import Span
from ontolabel.services import items, projects, users
from ontolabel.services.quality_history import PastRevision, import_history
from ontolabel.services.users import UserInfo
from ontolabel.services.workspace import Workspace

TEXT = "Ann met Bob in Paris."
SPANS = {"ann": (0, 3), "bob": (8, 11), "paris": (15, 20)}
ONTOLOGY = {
    "name": "News",
    "classes": [
        {"name": "Entity", "geometry": {"text": ["span"]}},
        {"name": "Person", "parent": "Entity"},
        {"name": "Location", "parent": "Entity"},
        {"name": "Topic", "geometry": {"text": ["tag"]}},
    ],
}
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def doc(**labels: str) -> Annotation:
    """A document labelling the named spans of TEXT: doc(ann="Person", paris="Location")."""
    objects = []
    for key, cls in labels.items():
        start, end = SPANS[key]
        objects.append(
            AnnotationObject(
                id=key, class_name=cls, geometry=Span(start=start, end=end, text=TEXT[start:end])
            )
        )
    return Annotation(objects=objects)


@dataclass
class World:
    project_id: int
    owner: UserInfo
    annotators: dict[str, UserInfo]
    item_ids: list[int]


def build_world(ws: Workspace, owner: UserInfo, n_items: int = 4) -> World:
    info = projects.create_project(
        ws, name="News quality", modality="text", ontology=ONTOLOGY, user_id=owner.id
    )
    people = {}
    for name in ("alice", "bob", "carol"):
        people[name] = users.create_user(ws, name, "correct horse battery")
        projects.set_member(ws, info.id, people[name].id, "annotator", user_id=owner.id)
    ids = [
        items.add_text_item(ws, info.id, text=TEXT, user_id=owner.id, external_id=f"t{i}").id
        for i in range(n_items)
    ]
    return World(info.id, owner, people, ids)


def submit(
    ws: Workspace, world: World, who: str, item: int, document: Annotation, minutes: float,
    *, status: str = "submitted",
) -> None:  # fmt: skip
    import_history(
        ws,
        world.project_id,
        [
            PastRevision(
                item_id=world.item_ids[item],
                annotator_id=world.annotators[who].id,
                document=document,
                created_at=T0 + timedelta(minutes=minutes),
                status=status,  # type: ignore[arg-type]
            )
        ],
        user_id=world.owner.id,
    )


def agreeing_world(ws: Workspace, owner: UserInfo) -> World:
    """alice and bob label 4 items: the same spans; classes agree on 3, differ on item 3
    (alice Person, bob Location). alice: P, P, L, P; bob: P, P, L, L."""
    world = build_world(ws, owner)
    plan = [("Person", "Person"), ("Person", "Person"), ("Location", "Location"),
            ("Person", "Location")]  # fmt: skip
    for i, (a, b) in enumerate(plan):
        submit(ws, world, "alice", i, doc(ann=a), minutes=i)
        submit(ws, world, "bob", i, doc(ann=b), minutes=i + 0.5)
    return world
