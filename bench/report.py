"""The comparison: one row per metric, both servers' figures, the ratio, PASS/FAIL on targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

Better = Literal["higher", "lower"]


@dataclass(frozen=True)
class Metric:
    key: str  # dotted path into PeerResult.figures
    label: str
    unit: str
    better: Better
    # ratio target: ontolabel must be this many times better than the peer
    min_ratio: float | None = None
    # absolute target on ontolabel's own figure (in `unit`): must be below this
    max_value: float | None = None


METRICS = (
    Metric("import_items_per_s", "bulk import", "items/s", "higher", min_ratio=10),
    Metric("saves.per_s", "annotation saves", "saves/s", "higher", min_ratio=20),
    Metric("saves.p50_ms", "save latency p50", "ms", "lower"),
    Metric("saves.p95_ms", "save latency p95", "ms", "lower"),
    Metric("saves.p99_ms", "save latency p99", "ms", "lower", max_value=30),
    Metric("list_page.p50_ms", "100-item page p50", "ms", "lower"),
    Metric("list_page.p95_ms", "100-item page p95", "ms", "lower", max_value=20),
    Metric("export_json_s", "export JSON", "s", "lower", min_ratio=10),
    Metric("export_coco_s", "export COCO", "s", "lower", min_ratio=10),
    Metric("cpu_import_s", "server CPU: import", "s", "lower"),
    Metric("saves.cpu_ms", "server CPU per save", "ms", "lower"),
    Metric("list_page.cpu_ms", "server CPU per page", "ms", "lower"),
    Metric("cpu_export_json_s", "server CPU: export JSON", "s", "lower"),
    Metric("cpu_export_coco_s", "server CPU: export COCO", "s", "lower"),
    Metric("idle_rss_mb", "server RSS idle", "MB", "lower"),
    Metric("peak_rss_mb", "server peak RSS", "MB", "lower", min_ratio=1),
)


def lookup(figures: dict[str, Any], key: str) -> float | None:
    value: Any = figures
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value)


def advantage(ours: float, theirs: float, better: Better) -> float | None:
    """How many times better ontolabel is (>1 better, <1 worse); None if undefined."""
    if better == "higher":
        return ours / theirs if theirs > 0 else None
    return theirs / ours if ours > 0 else None


@dataclass(frozen=True)
class Row:
    metric: Metric
    ours: float | None
    theirs: float | None
    ratio: float | None
    verdict: str  # PASS, FAIL, "" (no target), or "n/a" (target needs the peer, which is absent)
    target: str


def compare(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> list[Row]:
    rows = []
    for m in METRICS:
        a = lookup(ours, m.key) if ours else None
        b = lookup(theirs, m.key) if theirs else None
        ratio = advantage(a, b, m.better) if a is not None and b is not None else None
        verdicts: list[bool | None] = []
        targets: list[str] = []
        if m.min_ratio is not None:
            targets.append(f"≥{m.min_ratio:g}× better" if m.min_ratio > 1 else "less than peer")
            # "less memory" means strictly better, every other ratio target is a minimum
            if ratio is None:
                verdicts.append(None)
            else:
                verdicts.append(ratio > 1 if m.min_ratio == 1 else ratio >= m.min_ratio)
        if m.max_value is not None:
            targets.append(f"< {m.max_value:g} {m.unit}")
            verdicts.append(None if a is None else a < m.max_value)
        if not verdicts:
            verdict = ""
        elif any(v is False for v in verdicts):
            verdict = "FAIL"
        elif all(v is True for v in verdicts):
            verdict = "PASS"
        else:
            verdict = "n/a"
        rows.append(Row(m, a, b, ratio, verdict, ", ".join(targets)))
    return rows


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render(rows: list[Row], title: str, peer_name: str, console: Console) -> None:
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("unit")
    table.add_column("ontolabel", justify="right")
    table.add_column(peer_name, justify="right")
    table.add_column("ontolabel advantage", justify="right")
    table.add_column("target")
    table.add_column("verdict")
    colour = {"PASS": "green", "FAIL": "bold red", "n/a": "yellow"}
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.1f}×"
        verdict = f"[{colour[r.verdict]}]{r.verdict}[/]" if r.verdict else ""
        table.add_row(r.metric.label, r.metric.unit, _fmt(r.ours), _fmt(r.theirs), ratio,
                      r.target, verdict)
    console.print(table)


def rows_as_json(rows: list[Row]) -> list[dict[str, Any]]:
    return [
        {"metric": r.metric.key, "label": r.metric.label, "unit": r.metric.unit,
         "better": r.metric.better, "ontolabel": r.ours, "peer": r.theirs,
         "advantage": r.ratio, "target": r.target, "verdict": r.verdict}
        for r in rows
    ]
