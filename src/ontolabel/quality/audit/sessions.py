"""Work sessions, time per item and throughput, estimated from submit times.

The estimate is honest about what revision timestamps can tell: an item's time is the time
from the annotator's previous submit to this one *within the same session* (sessions are
split where the pause exceeds ``session_gap``). The first item of each session has no
estimate (we do not know when the annotator sat down), and time spent reading the guideline
or on breaks shorter than the gap counts towards the next item.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ontolabel.quality.audit.records import ScoreKind, Submission


@dataclass(frozen=True)
class TimelineEntry:
    time: datetime
    item_id: int
    session: int  # 0-based, in time order
    position_in_session: int  # 0-based
    session_length: int  # submissions in this session
    seconds: float | None  # None for the first item of a session
    score: float | None
    score_kind: ScoreKind
    ontology_version: int

    @property
    def relative_position(self) -> float:
        """0 at the start of the session, 1 at its end (0 for a session of one)."""
        return self.position_in_session / max(1, self.session_length - 1)

    def to_dict(self) -> dict[str, object]:
        return {
            "time": self.time.isoformat(),
            "item_id": self.item_id,
            "session": self.session,
            "position_in_session": self.position_in_session,
            "seconds": self.seconds,
            "score": self.score,
            "score_kind": self.score_kind,
        }


@dataclass(frozen=True)
class Pace:
    n_items: int
    n_sessions: int
    median_seconds_per_item: float | None
    items_per_hour: float | None  # items with a time estimate per hour of their summed time


def timeline(
    submissions: Sequence[Submission],
    *,
    session_gap: timedelta,
    leave_out: frozenset[str] = frozenset(),
) -> list[TimelineEntry]:
    """One annotator's submissions in time order, split into sessions and scored."""
    ordered = sorted(submissions, key=lambda s: (s.time, s.item_id))
    sessions: list[list[Submission]] = []
    for s in ordered:
        if sessions and s.time - sessions[-1][-1].time <= session_gap:
            sessions[-1].append(s)
        else:
            sessions.append([s])
    out: list[TimelineEntry] = []
    for index, members in enumerate(sessions):
        for position, s in enumerate(members):
            seconds = (
                (s.time - members[position - 1].time).total_seconds() if position > 0 else None
            )
            score, kind = s.score(leave_out=leave_out)
            out.append(
                TimelineEntry(
                    time=s.time,
                    item_id=s.item_id,
                    session=index,
                    position_in_session=position,
                    session_length=len(members),
                    seconds=seconds,
                    score=score,
                    score_kind=kind,
                    ontology_version=s.ontology_version,
                )
            )
    return out


def pace(entries: Sequence[TimelineEntry]) -> Pace:
    seconds = [e.seconds for e in entries if e.seconds is not None]
    total = sum(seconds)
    return Pace(
        n_items=len(entries),
        n_sessions=len({e.session for e in entries}),
        median_seconds_per_item=statistics.median(seconds) if seconds else None,
        items_per_hour=len(seconds) * 3600.0 / total if total > 0 else None,
    )
