"""Agreement of video tracks: CLEAR MOT (Bernardin and Stiefelhagen 2008) and identity
scores (Ristani et al. 2016), from frame-by-frame matching of two sets of tracks.

Side `b` is the reference ("objects"), side `a` the tracks scored ("hypotheses"). In each
frame, every reference object keeps the hypothesis it was matched to before when they still
overlap by >= threshold; the others are matched with the most pairs and then the highest
total IoU (the rule of py-motmetrics). A reference object matched to another hypothesis than
its last one is an identity switch; a reference object that was tracked and then is missed
while still in view is a fragmentation. IDF1 matches whole tracks once, maximising the
frames in which matched tracks overlap by >= threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Track
from ontolabel.core.geometry.video import TrackShape
from ontolabel.core.matching import SimilarityOptions, assign, similarity_matrix
from ontolabel.core.matching.tracks import track_frame_count

Figure = float | None


def _ratio(num: float, den: float) -> Figure:
    return num / den if den > 0 else None


@dataclass(frozen=True)
class TrackScores:
    """Counts of a tracking comparison; the scores are read off them, so they add up over
    videos (`combine`)."""

    frames: int = 0
    objects: int = 0  # reference detections: one per object per frame in view
    hypotheses: int = 0  # scored detections
    matches: int = 0  # matched detections, switches included
    misses: int = 0
    false_positives: int = 0
    switches: int = 0
    fragmentations: int = 0
    iou_sum: float = 0.0
    idtp: int = 0
    idfp: int = 0
    idfn: int = 0

    @property
    def mota(self) -> Figure:
        """1 - (misses + false positives + switches) / reference detections."""
        return _ratio(
            self.objects - self.misses - self.false_positives - self.switches, self.objects
        )

    @property
    def motp(self) -> Figure:
        """Mean IoU of matched detections (py-motmetrics reports 1 - this, a distance)."""
        return _ratio(self.iou_sum, self.matches)

    @property
    def idf1(self) -> Figure:
        return _ratio(2 * self.idtp, 2 * self.idtp + self.idfp + self.idfn)

    @property
    def idp(self) -> Figure:
        return _ratio(self.idtp, self.idtp + self.idfp)

    @property
    def idr(self) -> Figure:
        return _ratio(self.idtp, self.idtp + self.idfn)

    @property
    def precision(self) -> Figure:
        return _ratio(self.matches, self.hypotheses)

    @property
    def recall(self) -> Figure:
        return _ratio(self.matches, self.objects)

    def __add__(self, other: TrackScores) -> TrackScores:
        return TrackScores(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @classmethod
    def combine(cls, scores: Iterable[TrackScores]) -> TrackScores:
        total = cls()
        for score in scores:
            total = total + score
        return total

    def to_dict(self) -> dict[str, object]:
        counts: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            **counts,
            "mota": self.mota,
            "motp": self.motp,
            "idf1": self.idf1,
            "idp": self.idp,
            "idr": self.idr,
            "precision": self.precision,
            "recall": self.recall,
        }


def _shapes(tracks: Sequence[AnnotationObject], frames: int) -> list[list[TrackShape | None]]:
    out: list[list[TrackShape | None]] = []
    for obj in tracks:
        assert isinstance(obj.geometry, Track)
        out.append([obj.geometry.shape_at(f) for f in range(frames)])
    return out


def _score_one_class(
    hyps: Sequence[AnnotationObject],
    refs: Sequence[AnnotationObject],
    *,
    threshold: float,
    frames: int,
    options: SimilarityOptions,
) -> TrackScores:
    hyps = sorted(hyps, key=lambda o: o.id)
    refs = sorted(refs, key=lambda o: o.id)
    hyp_shapes, ref_shapes = _shapes(hyps, frames), _shapes(refs, frames)
    last: dict[int, int] = {}  # reference index -> hypothesis index it was last matched to
    tracked: dict[int, list[bool]] = {i: [] for i in range(len(refs))}
    overlap_frames = np.zeros((len(refs), len(hyps)), dtype=np.int64)
    counts = dict(objects=0, hypotheses=0, matches=0, misses=0, false_positives=0, switches=0)
    iou_sum = 0.0
    for f in range(frames):
        ref_in = [i for i in range(len(refs)) if ref_shapes[i][f] is not None]
        hyp_in = [j for j in range(len(hyps)) if hyp_shapes[j][f] is not None]
        counts["objects"] += len(ref_in)
        counts["hypotheses"] += len(hyp_in)
        if not ref_in or not hyp_in:
            counts["misses"] += len(ref_in)
            counts["false_positives"] += len(hyp_in)
            for i in ref_in:
                tracked[i].append(False)
            continue
        sim = similarity_matrix(
            [s for s in (ref_shapes[i][f] for i in ref_in) if s is not None],
            [s for s in (hyp_shapes[j][f] for j in hyp_in) if s is not None],
            options=options,
            ids_a=[refs[i].id for i in ref_in],
            ids_b=[hyps[j].id for j in hyp_in],
        )
        allowed = (sim >= threshold) & (sim > 0)
        rows, cols = np.nonzero(allowed)
        np.add.at(overlap_frames, (np.asarray(ref_in)[rows], np.asarray(hyp_in)[cols]), 1)
        pairs: list[tuple[int, int]] = []
        taken_rows: set[int] = set()
        taken_cols: set[int] = set()
        # Carry on the correspondences of earlier frames while they still hold.
        col_of = {j: c for c, j in enumerate(hyp_in)}
        for r, i in enumerate(ref_in):
            c = col_of.get(last.get(i, -1))
            if c is not None and c not in taken_cols and allowed[r, c]:
                pairs.append((r, c))
                taken_rows.add(r)
                taken_cols.add(c)
        free_rows = [r for r in range(len(ref_in)) if r not in taken_rows]
        free_cols = [c for c in range(len(hyp_in)) if c not in taken_cols]
        if free_rows and free_cols:
            sub = np.where(allowed, sim, 0.0)[np.ix_(free_rows, free_cols)]
            for r, c in assign(sub, threshold=threshold, objective="matches"):
                row, col = free_rows[r], free_cols[c]
                i, j = ref_in[row], hyp_in[col]
                if i in last and last[i] != j:
                    counts["switches"] += 1
                pairs.append((row, col))
        matched_rows = {r for r, _ in pairs}
        for r, c in pairs:
            last[ref_in[r]] = hyp_in[c]
            iou_sum += float(sim[r, c])
        counts["matches"] += len(pairs)
        counts["misses"] += len(ref_in) - len(pairs)
        counts["false_positives"] += len(hyp_in) - len(pairs)
        for r, i in enumerate(ref_in):
            tracked[i].append(r in matched_rows)
    fragmentations = 0
    for states in tracked.values():
        seen = [k for k, s in enumerate(states) if s]
        if seen:
            span = states[seen[0] : seen[-1] + 1]
            fragmentations += sum(1 for x, y in zip(span, span[1:], strict=False) if x and not y)
    idtp = 0
    if overlap_frames.size:
        from scipy.optimize import linear_sum_assignment  # see core.matching.assignment

        r_idx, c_idx = linear_sum_assignment(overlap_frames, maximize=True)
        idtp = int(overlap_frames[r_idx, c_idx].sum())
    return TrackScores(
        frames=frames,
        fragmentations=fragmentations,
        iou_sum=iou_sum,
        idtp=idtp,
        idfp=counts["hypotheses"] - idtp,
        idfn=counts["objects"] - idtp,
        **counts,
    )


def track_scores(
    a: Sequence[AnnotationObject],
    b: Sequence[AnnotationObject],
    *,
    threshold: float = 0.5,
    frames: int | None = None,
    per_class: bool = True,
    options: SimilarityOptions | None = None,
) -> TrackScores:
    """CLEAR MOT and identity scores of the tracks of `a` against the tracks of `b` (objects
    of other geometry are ignored) over frames [0, frames), by default up to the last
    keyframe of any track. With `per_class`, tracks are compared within their class only
    (a track of the wrong class is a miss and a false positive)."""
    hyps = [o for o in a if isinstance(o.geometry, Track)]
    refs = [o for o in b if isinstance(o.geometry, Track)]
    count = frames
    if count is None:
        count = track_frame_count(
            [o.geometry for o in (*hyps, *refs) if isinstance(o.geometry, Track)]
        )
    opts = options or SimilarityOptions()
    if not per_class:
        return _score_one_class(hyps, refs, threshold=threshold, frames=count, options=opts)
    classes = sorted({o.class_name for o in (*hyps, *refs)})
    parts = [
        _score_one_class(
            [o for o in hyps if o.class_name == name],
            [o for o in refs if o.class_name == name],
            threshold=threshold,
            frames=count,
            options=opts,
        )
        for name in classes
    ]
    total = TrackScores.combine(parts)
    # Frames are shared by the classes, not added up.
    return TrackScores(
        **{**{f.name: getattr(total, f.name) for f in fields(total)}, "frames": count}
    )
