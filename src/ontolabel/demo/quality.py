"""A multi-annotator quality scenario on the demo's news articles, so that the Quality page
and ``ontolabel qa`` have something real to read.

Everything here is SIMULATED, and the project description says so. A reference labelling
is derived from each article's text by simple rules (runs of capitalised words as Person,
Organisation or Location spans; a topic from keywords). Three simulated annotators then copy
that reference with seeded errors, over dated work sessions:

- ``sim-ana``: careful throughout;
- ``sim-ben``: careful, except that he labels many organisations as locations (one class);
- ``sim-cam``: careful early in each session, missing and mislabelling more as it goes on
  (late-session fatigue).

A few items are gold (the reference itself). The same seed gives the same labels and
times on every run; a second run adds nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from ontolabel.core.annotation import Annotation, AnnotationObject
from ontolabel.core.geometry.tag import Tag
from ontolabel.core.geometry.text import Span
from ontolabel.services import gold, projects, users
from ontolabel.services import items as item_service
from ontolabel.services.quality_history import PastRevision, annotated_items, import_history
from ontolabel.services.workspace import Workspace

ENTITIES = ("Person", "Organisation", "Location")
TOPICS = ("Politics", "Economy", "Health", "Conflict", "Sport", "Science", "Other")
ANNOTATORS = ("sim-ana", "sim-ben", "sim-cam")
ITEMS = 60  # articles every simulated annotator labels
SESSION = 20  # articles per work session (one session a day)
GOLD_EVERY = 6  # every sixth of those articles is gold
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
MAX_SPANS = 8
SEED = 20261102

_NAME = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}))*\b")
_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Dr|President|Minister|Senator|Premier|Prime Minister)\s+$")
_TITLES = {"Mr", "Mrs", "Ms", "Dr", "President", "Prime", "Minister", "Senator", "Premier"}
_ORG_END = ("Party", "Council", "Bank", "Company", "Union", "Corporation", "Ministry",
            "Commission", "Association", "Group", "Department", "Authority", "Court", "Army",
            "Service", "Services", "Network", "Airlines", "Organisation", "Office")  # fmt: skip
_PLACES = {
    "Australia", "Sydney", "Melbourne", "Canberra", "Brisbane", "Perth", "Adelaide", "Hobart",
    "Queensland", "Victoria", "Tasmania", "New South Wales", "Western Australia",
    "South Australia", "Northern Territory", "United States", "US", "America", "Washington",
    "New York", "London", "Britain", "Israel", "Afghanistan", "Pakistan", "India", "Kashmir",
    "Indonesia", "Jakarta", "Kabul", "Gaza", "West Bank", "Jerusalem", "Iraq", "China",
    "Japan", "Europe", "Argentina", "Fiji", "Solomon Islands", "Papua New Guinea", "Bali",
}  # fmt: skip
_SKIP = {"The", "A", "An", "In", "On", "At", "He", "She", "It", "They", "We", "But", "And",
         "This", "That", "There", "His", "Her", "Their", "Mr", "Mrs", "Ms", "Dr", "After",
         "Today", "Yesterday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
         "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July",
         "August", "September", "October", "November", "December", "AEDT", "AM", "PM"}  # fmt: skip
_TOPIC_WORDS = {
    "Conflict": ("military", "troops", "attack", "militants", "killed", "war", "soldiers", "bomb"),
    "Politics": ("election", "minister", "government", "party", "parliament", "senate"),
    "Economy": ("market", "shares", "economy", "dollar", "bank", "prices", "profit", "jobs"),
    "Health": ("health", "hospital", "disease", "virus", "patients", "doctors"),
    "Sport": ("cricket", "match", "test", "team", "cup", "wickets", "olympic"),
    "Science": ("scientists", "research", "space", "study", "species"),
}


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def reference_labels(text: str) -> Annotation:
    """The rule-based reference labelling of one article (deterministic)."""
    objects: list[AnnotationObject] = []
    for match in _NAME.finditer(text):
        name, start = match.group(0), match.start()
        words = name.split()
        # a capitalised first word of a sentence, or a title, is not part of the name
        titled = False
        position = start
        while words and (words[0] in _SKIP or words[0] in _TITLES):
            titled = titled or words[0] in _TITLES
            position = text.index(words[0], position) + len(words[0])
            words = words[1:]
        if not words:
            continue
        start = text.index(words[0], position)
        name = text[start : match.end()]
        if name in _SKIP or (len(words) == 1 and (start == 0 or text[start - 2 : start] == ". ")):
            continue
        if titled or _TITLE.search(text[max(0, start - 16) : start]):
            cls = "Person"
        elif name in _PLACES:
            cls = "Location"
        elif words[-1] in _ORG_END or (len(words) == 1 and name.isupper()):
            cls = "Organisation"
        else:
            # not decided by a rule: a stable draw per name (this is a simulation)
            cls = ENTITIES[_stable(name) % 3]
        end = match.end()
        objects.append(
            AnnotationObject(
                id=f"e{len(objects) + 1}",
                class_name=cls,
                geometry=Span(start=start, end=end, text=text[start:end]),
            )
        )
        if len(objects) == MAX_SPANS:
            break
    lowered = text.lower()
    scores = {t: sum(lowered.count(w) for w in words) for t, words in _TOPIC_WORDS.items()}
    topic = max(scores, key=lambda t: scores[t]) if max(scores.values()) > 0 else "Other"
    objects.append(AnnotationObject(id="topic", class_name=topic, geometry=Tag()))
    return Annotation(objects=objects)


@dataclass(frozen=True)
class Behaviour:
    """How a simulated annotator copies the reference: the chance to keep an entity's class
    and to miss an entity, by class and relative position in the session (0..1)."""

    keep: Callable[[str, float], float]
    miss: Callable[[float], float]
    keep_topic: float = 0.92


BEHAVIOURS = {
    "sim-ana": Behaviour(keep=lambda cls, pos: 0.96, miss=lambda pos: 0.03),
    "sim-ben": Behaviour(
        keep=lambda cls, pos: 0.45 if cls == "Organisation" else 0.96, miss=lambda pos: 0.03
    ),
    "sim-cam": Behaviour(
        keep=lambda cls, pos: 0.96 if pos < 0.5 else 0.96 - 0.9 * (pos - 0.5),
        miss=lambda pos: 0.03 if pos < 0.5 else 0.03 + 0.5 * (pos - 0.5),
    ),
}


def simulated_copy(
    reference: Annotation, behaviour: Behaviour, position: float, rng: np.random.Generator,
    *, confuse: str | None = None,
) -> Annotation:  # fmt: skip
    """The reference as the annotator gives it: some entities missed, some classes wrong
    (``confuse``: the class a wrong label goes to, else a random other one)."""
    out: list[AnnotationObject] = []
    for obj in reference.objects:
        if isinstance(obj.geometry, Tag):
            cls = obj.class_name
            if rng.random() >= behaviour.keep_topic:
                cls = str(rng.choice([t for t in TOPICS if t != cls]))
            out.append(obj.model_copy(update={"class_name": cls}))
            continue
        if rng.random() < behaviour.miss(position):
            continue
        cls = obj.class_name
        if rng.random() >= behaviour.keep(cls, position):
            others = [c for c in ENTITIES if c != cls]
            cls = confuse if confuse in others else str(rng.choice(others))
        out.append(obj.model_copy(update={"class_name": cls}))
    return Annotation(objects=out)


@dataclass
class QualityScenarioReport:
    annotators_created: list[str]
    revisions_imported: int
    gold_set: int


def _annotator(ws: Workspace, name: str, project_id: int, owner_id: int) -> tuple[int, bool]:
    existing = users.get_user_by_name(ws, name)
    created = existing is None
    user = existing or users.create_user(ws, name, secrets.token_urlsafe(16))
    projects.set_member(ws, project_id, user.id, "annotator", user_id=owner_id)
    return user.id, created


def add_quality_scenario(
    ws: Workspace, project_id: int, items: Sequence[tuple[int, str]], *, owner_id: int
) -> QualityScenarioReport:
    """Add the simulated work (and gold) on ``items`` (id, text), in the order given; only
    what is missing is added, so running it again changes nothing."""
    chosen = list(items)[:ITEMS]
    references = {item_id: reference_labels(text) for item_id, text in chosen}
    report = QualityScenarioReport([], 0, 0)
    for k, name in enumerate(ANNOTATORS):
        annotator_id, created = _annotator(ws, name, project_id, owner_id)
        if created:
            report.annotators_created.append(name)
        done = annotated_items(ws, project_id, annotator_id, user_id=owner_id)
        rng = np.random.default_rng(SEED + k)
        order = [chosen[i][0] for i in rng.permutation(len(chosen))]
        clock = START + timedelta(minutes=int(rng.integers(0, 25)))
        history: list[PastRevision] = []
        for n, item_id in enumerate(order):
            session, at = divmod(n, SESSION)
            if at == 0:
                clock = START + timedelta(days=session, minutes=int(rng.integers(0, 25)) + 7 * k)
            clock += timedelta(seconds=float(rng.uniform(35, 90)))
            document = simulated_copy(
                references[item_id], BEHAVIOURS[name], at / (SESSION - 1), rng,
                confuse="Location" if name == "sim-ben" else None,
            )  # fmt: skip
            if item_id not in done:
                history.append(PastRevision(item_id, annotator_id, document, clock))
        if history:
            report.revisions_imported += import_history(ws, project_id, history, user_id=owner_id)
    have_gold = {g.item_id for g in gold.list_gold(ws, project_id, user_id=owner_id)}
    for item_id, _text in chosen[::GOLD_EVERY]:
        if item_id not in have_gold:
            gold.set_gold(ws, project_id, item_id, user_id=owner_id, document=references[item_id])
            report.gold_set += 1
    return report


def add_to_project(ws: Workspace, project_id: int, *, owner_id: int) -> QualityScenarioReport:
    """The scenario on the project's first ``ITEMS`` text items, by external id."""
    found: list[tuple[str, int]] = []
    after: int | None = None
    while True:
        page = item_service.list_items(ws, project_id, user_id=owner_id, after=after, limit=500)
        found.extend((i.external_id or "", i.id) for i in page.items)
        if page.next_after is None:
            break
        after = page.next_after
    first = sorted(found)[:ITEMS]
    texts = [
        (item_id, item_service.get_item(ws, item_id, user_id=owner_id).content.text or "")
        for _, item_id in first
    ]
    return add_quality_scenario(ws, project_id, texts, owner_id=owner_id)
