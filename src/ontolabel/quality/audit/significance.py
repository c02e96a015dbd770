"""The statistical tests of the audit, each returning a ``TestResult`` a lead can read.

All tests are one-sided (we look for a *drop*) and rank-based (F1 scores are bounded and
skewed, often piled up at 1.0): Mann–Whitney U for two groups, Kendall's τ-b for a trend.
Effect sizes are the rank-biserial correlation (the probability that a score of the first
group beats one of the second, minus the reverse) and the difference of medians.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ontolabel.quality.audit.sessions import TimelineEntry

Verdict = Literal["drop", "no drop", "not enough data"]


@dataclass(frozen=True)
class TestResult:
    test: str
    statistic: float | None
    p_value: float | None
    effect: float | None  # rank-biserial correlation; > 0: the first group scores higher
    median_drop: float | None  # median(first) - median(second)
    mean_drop: float | None  # mean(first) - mean(second): what the minimum effect applies to
    n: tuple[int, int]
    verdict: Verdict
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {
            "test": self.test,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "effect": self.effect,
            "median_drop": self.median_drop,
            "mean_drop": self.mean_drop,
            "n": list(self.n),
            "verdict": self.verdict,
            "detail": self.detail,
        }


def _fmt_p(p: float) -> str:
    return f"p = {p:.2g}" if p >= 0.0001 else "p < 0.0001"


def compare_drop(
    first: Sequence[float],
    second: Sequence[float],
    *,
    alpha: float,
    min_group: int,
    min_effect: float,
    names: tuple[str, str],
) -> TestResult:
    """Whether ``second`` scores lower than ``first``: one-sided Mann–Whitney U."""
    n = (len(first), len(second))
    test = "Mann-Whitney U, one-sided (second lower)"
    if min(n) < min_group:
        return TestResult(
            test, None, None, None, None, None, n, "not enough data",
            f"{names[0]}: {n[0]} scored items, {names[1]}: {n[1]}; "
            f"at least {min_group} in each are needed",
        )  # fmt: skip
    from scipy import stats  # here, not at the top: see core.matching.assignment

    result = stats.mannwhitneyu(first, second, alternative="greater")
    u = float(result.statistic)
    p = float(result.pvalue)
    effect = 2.0 * u / (n[0] * n[1]) - 1.0
    drop = statistics.median(first) - statistics.median(second)
    mean_drop = statistics.fmean(first) - statistics.fmean(second)
    dropped = p < alpha and mean_drop >= min_effect
    verdict: Verdict = "drop" if dropped else "no drop"
    detail = (
        f"mean F1 {statistics.fmean(second):.2f} ({names[1]}, n = {n[1]}) vs "
        f"{statistics.fmean(first):.2f} ({names[0]}, n = {n[0]}): "
        f"U = {u:.0f}, one-sided {_fmt_p(p)}, rank-biserial r = {effect:.2f}"
    )
    return TestResult(test, u, p, effect, drop, mean_drop, n, verdict, detail)


def session_thirds(entries: Sequence[TimelineEntry]) -> tuple[list[float], list[float]]:
    """Scores of the first and the last third of each session, centred on the session's
    mean so that differences *between* sessions (a better day, a new guideline) do not
    pass for fatigue within them. Sessions with fewer than 3 scored items are skipped."""
    by_session: dict[int, list[TimelineEntry]] = {}
    for e in entries:
        if e.score is not None:
            by_session.setdefault(e.session, []).append(e)
    early: list[float] = []
    late: list[float] = []
    for members in by_session.values():
        if len(members) < 3:
            continue
        members.sort(key=lambda e: e.position_in_session)
        scores = [e.score for e in members if e.score is not None]
        centre = statistics.fmean(scores)
        third = len(members) / 3.0
        for rank, e in enumerate(members):
            assert e.score is not None
            if rank < third:
                early.append(e.score - centre)
            elif rank >= len(members) - third:
                late.append(e.score - centre)
    return early, late


def late_half_items(entries: Sequence[TimelineEntry]) -> set[int]:
    """Items in the second half of their session (sessions of 3 or more): where fatigue
    shows, whenever in the session it sets in."""
    return {
        e.item_id
        for e in entries
        if e.session_length >= 3 and e.position_in_session >= e.session_length / 2
    }


def fatigue(
    entries: Sequence[TimelineEntry], *, alpha: float, min_group: int, min_effect: float
) -> TestResult:
    """Late-session drop: the last third of each session against its first third."""
    early, late = session_thirds(entries)
    result = compare_drop(
        early, late,
        alpha=alpha, min_group=min_group, min_effect=min_effect,
        names=("first third of sessions", "last third of sessions"),
    )  # fmt: skip
    if result.verdict == "not enough data":
        return result
    # the medians are of session-centred scores: say so, and add the trend over positions
    trend = position_trend(entries, alpha=alpha)
    assert result.mean_drop is not None and result.p_value is not None
    direction = "lower" if result.mean_drop >= 0 else "higher"
    detail = (
        f"scores in the last third of sessions are {abs(result.mean_drop):.2f} {direction} "
        f"than in the first third (mean of session-centred F1; U = {result.statistic:.0f}, "
        f"one-sided {_fmt_p(result.p_value)}, rank-biserial r = {result.effect:.2f}, "
        f"n = {result.n[0]}/{result.n[1]})"
    )
    if trend.p_value is not None:
        detail += f"; {trend.detail}"
    # two views of one drop must agree: the thirds compared, and the trend over positions
    verdict = result.verdict
    if verdict == "drop" and (trend.p_value is None or trend.p_value >= alpha):
        verdict = "no drop"
        detail += " (the trend over positions does not confirm it)"
    return TestResult(
        "Mann-Whitney U, last vs first third of sessions (session-centred), one-sided",
        result.statistic,
        result.p_value,
        result.effect,
        result.median_drop,
        result.mean_drop,
        result.n,
        verdict,
        detail,
    )


def position_trend(entries: Sequence[TimelineEntry], *, alpha: float) -> TestResult:
    """Kendall's τ-b of score against relative position in session (one-sided: falling)."""
    pairs = [(e.relative_position, e.score) for e in entries if e.score is not None]
    test = "Kendall tau-b, score vs position in session, one-sided (falling)"
    if len(pairs) < 3:
        return TestResult(
            test, None, None, None, None, None, (len(pairs), 0), "not enough data",
            "fewer than 3 scored items",
        )  # fmt: skip
    x = [p[0] for p in pairs]
    y = [p[1] for p in pairs]
    from scipy import stats

    result = stats.kendalltau(x, y, alternative="less")
    tau = float(result.statistic)
    p = float(result.pvalue)
    if tau != tau:  # NaN: every position or every score equal
        return TestResult(
            test, None, None, None, None, None, (len(pairs), 0), "not enough data",
            "no variation in position or score",
        )  # fmt: skip
    return TestResult(
        test, tau, p, tau, None, None, (len(pairs), 0), _trend_verdict(p, alpha),
        f"Kendall τ of score vs position in session = {tau:.2f} (one-sided {_fmt_p(p)})",
    )  # fmt: skip


def across_sessions(entries: Sequence[TimelineEntry], *, alpha: float) -> TestResult:
    """Kendall's τ-b of each session's median score against the session's order."""
    by_session: dict[int, list[float]] = {}
    for e in entries:
        if e.score is not None:
            by_session.setdefault(e.session, []).append(e.score)
    test = "Kendall tau-b, session median vs session order, one-sided (falling)"
    if len(by_session) < 3:
        return TestResult(
            test, None, None, None, None, None, (len(by_session), 0), "not enough data",
            f"{len(by_session)} session(s) with scores; at least 3 are needed",
        )  # fmt: skip
    order = sorted(by_session)
    medians = [statistics.median(by_session[s]) for s in order]
    from scipy import stats

    result = stats.kendalltau(order, medians, alternative="less")
    tau = float(result.statistic)
    p = float(result.pvalue)
    if tau != tau:
        return TestResult(
            test, None, None, None, None, None, (len(order), 0), "not enough data",
            "every session has the same median score",
        )  # fmt: skip
    return TestResult(
        test, tau, p, tau, None, None, (len(order), 0), _trend_verdict(p, alpha),
        f"Kendall τ of session median F1 vs session order = {tau:.2f} over {len(order)} "
        f"sessions (one-sided {_fmt_p(p)})",
    )  # fmt: skip


def _trend_verdict(p: float, alpha: float) -> Verdict:
    # the alternative is one-sided (falling), so a small p is a falling trend
    return "drop" if p < alpha else "no drop"
