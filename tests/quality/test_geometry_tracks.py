"""CLEAR MOT and identity scores of tracks against py-motmetrics on seeded random tracks."""

from __future__ import annotations

import math

import motmetrics as mm
import numpy as np
import pytest

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Box, Keyframe, Track
from ontolabel.quality.geometry import TrackScores, track_scores

FRAMES = 40


def box_iou(p: Box, q: Box) -> float:
    """Plain arithmetic, independent of the code under test."""
    w = max(0.0, min(p.x2, q.x2) - max(p.x1, q.x1))
    h = max(0.0, min(p.y2, q.y2) - max(p.y1, q.y1))
    inter = w * h
    union = (p.x2 - p.x1) * (p.y2 - p.y1) + (q.x2 - q.x1) * (q.y2 - q.y1) - inter
    return inter / union if union > 0 else 0.0


def make_track(
    rng: np.random.Generator, start: int, end: int, path: np.ndarray, jitter: float
) -> Track:
    keyframes = []
    for f in range(start, end, int(rng.integers(1, 4))):
        x, y = path[f] + rng.normal(0, jitter, 2)
        keyframes.append(Keyframe(frame=f, shape=Box(x1=x, y1=y, x2=x + 20, y2=y + 30)))
    keyframes.append(Keyframe(frame=end, shape=keyframes[-1].shape, outside=True))
    return Track(keyframes=keyframes)


def random_scene(seed: int) -> tuple[list[AnnotationObject], list[AnnotationObject]]:
    rng = np.random.default_rng(seed)
    refs: list[AnnotationObject] = []
    hyps: list[AnnotationObject] = []
    for k in range(6):
        start = int(rng.integers(0, 15))
        end = int(rng.integers(start + 10, FRAMES))
        origin = rng.uniform(0, 150, 2)
        path = origin + np.cumsum(rng.normal(0, 4, (FRAMES, 2)), axis=0)
        refs.append(
            AnnotationObject(
                id=f"gt{k}", class_name="person", geometry=make_track(rng, start, end, path, 0)
            )
        )
        # The hypothesis follows it, sometimes split in two identities, sometimes late.
        cut = int(rng.integers(start + 1, end)) if rng.random() < 0.5 else end
        begin = start + int(rng.integers(0, 4))
        for part, (s, e) in enumerate(((begin, cut), (cut, end))):
            if e - s >= 2:
                geometry = make_track(rng, s, e, path, 4.0)
                hyps.append(
                    AnnotationObject(id=f"h{k}.{part}", class_name="person", geometry=geometry)
                )
    for k in range(2):  # ghosts
        path = rng.uniform(0, 150, 2) + np.cumsum(rng.normal(0, 4, (FRAMES, 2)), axis=0)
        hyps.append(
            AnnotationObject(
                id=f"ghost{k}", class_name="person", geometry=make_track(rng, 5, 25, path, 0)
            )
        )
    return hyps, refs


def motmetrics_summary(
    hyps: list[AnnotationObject], refs: list[AnnotationObject]
) -> dict[str, float]:
    acc = mm.MOTAccumulator(auto_id=True)
    number = {o.id: k for k, o in enumerate((*refs, *hyps))}  # motmetrics wants numeric ids
    for f in range(FRAMES):
        o = [(r.id, r.geometry.shape_at(f)) for r in refs if r.geometry.shape_at(f) is not None]  # type: ignore[union-attr]
        h = [(x.id, x.geometry.shape_at(f)) for x in hyps if x.geometry.shape_at(f) is not None]  # type: ignore[union-attr]
        dists = np.array(
            [
                [1 - box_iou(ob, hb) if box_iou(ob, hb) >= 0.5 else math.nan for _, hb in h]
                for _, ob in o
            ]
        ).reshape(len(o), len(h))
        acc.update([number[i] for i, _ in o], [number[i] for i, _ in h], dists)
    names = [
        "mota",
        "motp",
        "idf1",
        "num_switches",
        "num_fragmentations",
        "num_misses",
        "num_false_positives",
        "num_objects",
        "num_matches",
        "idtp",
    ]
    frame = mm.metrics.create().compute(acc, metrics=names, name="x")
    return {n: float(frame[n].iloc[0]) for n in names}


@pytest.mark.parametrize("seed", range(8))
def test_clear_mot_and_idf1_equal_motmetrics(seed: int) -> None:
    hyps, refs = random_scene(seed)
    ours = track_scores(hyps, refs, frames=FRAMES)
    theirs = motmetrics_summary(hyps, refs)
    assert ours.objects == theirs["num_objects"]
    assert ours.misses == theirs["num_misses"]
    assert ours.false_positives == theirs["num_false_positives"]
    assert ours.switches == theirs["num_switches"]
    assert ours.fragmentations == theirs["num_fragmentations"]
    assert ours.matches == theirs["num_matches"] + theirs["num_switches"]
    assert ours.idtp == theirs["idtp"]
    assert ours.mota == pytest.approx(theirs["mota"])
    assert ours.motp == pytest.approx(1 - theirs["motp"])
    assert ours.idf1 == pytest.approx(theirs["idf1"])


def test_the_random_scenes_exercise_switches_and_fragments() -> None:
    total = TrackScores.combine(track_scores(*random_scene(s), frames=FRAMES) for s in range(8))
    assert total.switches > 0 and total.fragmentations > 0 and total.false_positives > 0
    assert total.frames == 8 * FRAMES


def test_identical_tracks_score_perfectly() -> None:
    _, refs = random_scene(1)
    scores = track_scores(refs, refs)
    assert (scores.mota, scores.idf1, scores.switches) == (1.0, 1.0, 0)
    assert scores.motp == pytest.approx(1.0)
    assert set(scores.to_dict()) >= {"mota", "motp", "idf1", "switches", "fragmentations"}


def test_a_track_of_another_class_is_a_miss_and_a_false_positive() -> None:
    track = Track(keyframes=[Keyframe(frame=0, shape=Box(x1=0, y1=0, x2=10, y2=10))])
    a = [AnnotationObject(id="h", class_name="car", geometry=track)]
    b = [AnnotationObject(id="g", class_name="truck", geometry=track)]
    within = track_scores(a, b, frames=3)
    assert (within.misses, within.false_positives, within.frames) == (3, 3, 3)
    assert track_scores(a, b, frames=3, per_class=False).mota == 1.0
