"""The annotator audit: time per item and sessions from submit times, and findings that name
the known cause of a simulated drop (and no other cause)."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta

import pytest
from audit_simulation import Scenario, simulate
from scipy import stats

from ontolabel.quality.audit import (
    AuditOptions,
    Score,
    Submission,
    audit,
    compare_drop,
    pace,
    timeline,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SEEDS = [0, 1, 2]


def _at(minutes: float, item: int, f1: float | None = 1.0) -> Submission:
    return Submission(
        "alice", item, T0 + timedelta(minutes=minutes), 1, peers={"bob": Score(f1, {})}
    )


# --- time per item, sessions, throughput ----------------------------------------------


def test_sessions_split_at_gaps_and_time_runs_from_the_previous_submit() -> None:
    # submits at 0, 1, 3 min; a 45 min pause; 48, 48.5 min; a 31 min pause; 79.5 min
    subs = [_at(0, 1), _at(1, 2), _at(3, 3), _at(48, 4), _at(48.5, 5), _at(79.5, 6)]
    entries = timeline(list(reversed(subs)), session_gap=timedelta(minutes=30))
    assert [e.item_id for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.session for e in entries] == [0, 0, 0, 1, 1, 2]
    assert [e.position_in_session for e in entries] == [0, 1, 2, 0, 1, 0]
    # the first item of a session has no estimate: when work on it began is unknown
    assert [e.seconds for e in entries] == [None, 60.0, 120.0, None, 30.0, None]
    p = pace(entries)
    assert (p.n_items, p.n_sessions) == (6, 3)
    assert p.median_seconds_per_item == 60.0
    assert p.items_per_hour == pytest.approx(3 * 3600 / 210)


def test_a_longer_session_gap_joins_sessions() -> None:
    subs = [_at(0, 1), _at(1, 2), _at(46, 3)]
    assert [e.session for e in timeline(subs, session_gap=timedelta(minutes=30))] == [0, 0, 1]
    joined = timeline(subs, session_gap=timedelta(minutes=60))
    assert [e.session for e in joined] == [0, 0, 0]
    assert joined[2].seconds == 45 * 60


def test_item_score_is_gold_where_gold_else_the_mean_over_peers() -> None:
    s = Submission(
        "a", 1, T0, 1, peers={"b": Score(0.5, {"Car": 0.5}), "c": Score(1.0, {"Car": 1.0})}
    )
    assert s.score() == (0.75, "peer_f1")
    assert s.score(leave_out=frozenset({"b"})) == (1.0, "peer_f1")
    assert s.class_score("Car", leave_out=frozenset({"c"})) == 0.5
    g = Submission("a", 1, T0, 1, gold=Score(0.2, {"Car": 0.1}), peers={"b": Score(1.0, {})})
    assert g.score() == (0.2, "gold_f1")
    assert g.class_score("Car") == 0.1


# --- the tests against scipy ----------------------------------------------------------


def test_compare_drop_is_scipys_one_sided_mann_whitney() -> None:
    first = [0.9, 0.95, 1.0, 0.85, 0.9, 1.0, 0.8, 0.92, 0.97, 0.88]
    second = [0.7, 0.9, 0.6, 0.75, 0.8, 0.65, 0.9, 0.5, 0.7, 0.72]
    result = compare_drop(first, second, alpha=0.05, min_group=8, min_effect=0.05, names=("a", "b"))
    expected = stats.mannwhitneyu(first, second, alternative="greater")
    assert result.p_value == pytest.approx(float(expected.pvalue), rel=1e-12)
    assert result.statistic == pytest.approx(float(expected.statistic))
    assert result.effect == pytest.approx(2 * float(expected.statistic) / 100 - 1)
    assert result.median_drop == pytest.approx(statistics.median(first) - statistics.median(second))
    assert result.verdict == "drop"


def test_compare_drop_says_not_enough_data_below_the_minimum() -> None:
    result = compare_drop(
        [1.0] * 7, [0.0] * 20, alpha=0.05, min_group=8, min_effect=0.05, names=("a", "b")
    )
    assert result.verdict == "not enough data"
    assert result.p_value is None
    assert "at least 8" in result.detail


def test_fatigue_p_value_is_scipys_on_the_session_thirds() -> None:
    subs = simulate(Scenario(accuracy=_tired("bob")), seed=5)
    report = audit(subs)
    bob = next(a for a in report.annotators if a.annotator == "bob")
    # the thirds computed here independently: by position, centred on the session mean
    early: list[float] = []
    late: list[float] = []
    for session in {e.session for e in bob.timeline}:
        members = sorted(
            (e for e in bob.timeline if e.session == session and e.score is not None),
            key=lambda e: e.position_in_session,
        )
        if len(members) < 3:
            continue
        centre = sum(e.score for e in members if e.score is not None) / len(members)
        n = len(members)
        early += [e.score - centre for i, e in enumerate(members) if e.score and i < n / 3]
        late += [e.score - centre for i, e in enumerate(members) if e.score and i >= n - n / 3]
    expected = stats.mannwhitneyu(early, late, alternative="greater")
    assert bob.drift.p_value == pytest.approx(float(expected.pvalue), rel=1e-12)
    assert bob.drift.verdict == "drop"
    tau = stats.kendalltau(
        [e.relative_position for e in bob.timeline if e.score is not None],
        [e.score for e in bob.timeline if e.score is not None],
        alternative="less",
    )
    assert bob.trend.statistic == pytest.approx(float(tau.statistic))
    assert bob.trend.p_value == pytest.approx(float(tau.pvalue))
    # a significant falling trend is a drop, whatever test confirmed it
    assert float(tau.pvalue) < 0.05 and bob.trend.verdict == "drop"


# --- simulations with a known cause ---------------------------------------------------


def _noisy_in(annotator: str, name: str):  # type: ignore[no-untyped-def]
    def accuracy(who: str, cls: str, relative: float, version: int) -> float:
        return 0.5 if (who, cls) == (annotator, name) else 0.95

    return accuracy


def _tired(annotator: str):  # type: ignore[no-untyped-def]
    def accuracy(who: str, cls: str, relative: float, version: int) -> float:
        if who == annotator and relative > 0.6:
            return 0.6
        return 0.95

    return accuracy


def _version_two_is_harder(who: str, cls: str, relative: float, version: int) -> float:
    return 0.95 if version == 1 else 0.72


def _everyone_alike(who: str, cls: str, relative: float, version: int) -> float:
    return 0.9


def _kinds(subs: list[Submission]) -> set[tuple[str, str]]:
    return {(f.kind, f.subject) for f in audit(subs).findings}


@pytest.mark.parametrize("seed", SEEDS)
def test_one_annotator_noisy_in_one_class(seed: int) -> None:
    found = _kinds(simulate(Scenario(accuracy=_noisy_in("carol", "Truck")), seed))
    assert found == {("annotator_class", "carol/Truck")}


@pytest.mark.parametrize("seed", SEEDS)
def test_one_annotator_tiring_late_in_sessions(seed: int) -> None:
    subs = simulate(Scenario(accuracy=_tired("bob")), seed)
    found = _kinds(subs)
    assert found == {("fatigue", "bob")}
    report = audit(subs)
    verdicts = {a.annotator: a.drift.verdict for a in report.annotators}
    assert verdicts["bob"] == "drop"
    assert report.findings[0].sentence.startswith("bob: quality falls late in sessions")


@pytest.mark.parametrize("seed", SEEDS)
def test_everyone_dropping_after_an_ontology_version_change(seed: int) -> None:
    subs = simulate(Scenario(accuracy=_version_two_is_harder, version_switch_session=3), seed)
    found = _kinds(subs)
    assert found == {("version_change", "version 2")}
    sentence = audit(subs).findings[0].sentence
    assert "ontology version 2" in sentence and "3 of 3 annotators" in sentence


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_wrong_gives_no_finding(seed: int) -> None:
    report = audit(simulate(Scenario(accuracy=_everyone_alike), seed))
    assert report.findings == []
    assert all(a.drift.verdict == "no drop" for a in report.annotators)


def test_one_annotator_poor_everywhere_is_not_called_a_class_problem() -> None:
    def accuracy(who: str, cls: str, relative: float, version: int) -> float:
        return 0.6 if who == "alice" else 0.95

    assert _kinds(simulate(Scenario(accuracy=accuracy), 3)) == {("annotator", "alice")}


def test_a_class_hard_for_everyone_is_a_class_finding() -> None:
    def accuracy(who: str, cls: str, relative: float, version: int) -> float:
        return 0.6 if cls == "Pedestrian" else 0.95

    assert _kinds(simulate(Scenario(accuracy=accuracy), 4)) == {("class", "Pedestrian")}


def test_gold_items_are_scored_against_gold() -> None:
    subs = simulate(Scenario(accuracy=_everyone_alike), 0, gold_items=frozenset(range(10)))
    report = audit(subs)
    for a in report.annotators:
        kinds = {e.item_id: e.score_kind for e in a.timeline}
        assert {i for i, k in kinds.items() if k == "gold_f1"} == set(range(10))
        assert a.gold_f1 is not None and 0.8 < a.gold_f1 < 1.0


def test_the_report_is_plain_json() -> None:
    import json

    report = audit(simulate(Scenario(accuracy=_tired("bob")), 0), AuditOptions(alpha=0.01))
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    bob = next(a for a in data["annotators"] if a["annotator"] == "bob")  # type: ignore[union-attr,index]
    assert set(bob) >= {"n_items", "n_sessions", "median_seconds_per_item", "items_per_hour",
                        "per_class", "timeline", "drift"}  # fmt: skip
    assert data["options"]["alpha"] == 0.01  # type: ignore[index,call-overload]
