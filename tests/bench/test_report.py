"""The comparison reads ratios as 'times better for ontolabel' and judges the issue's targets."""

import pytest
from bench.report import advantage, compare


def figures(import_per_s: float, saves_per_s: float, p99: float, page_p95: float,
            export_s: float, rss: float) -> dict[str, object]:
    return {
        "import_items_per_s": import_per_s,
        "saves": {"per_s": saves_per_s, "p50_ms": p99 / 2, "p95_ms": p99, "p99_ms": p99},
        "list_page": {"p50_ms": page_p95 / 2, "p95_ms": page_p95},
        "export_json_s": export_s,
        "export_coco_s": export_s,
        "idle_rss_mb": rss,
        "peak_rss_mb": rss,
    }


# Label Studio's figures from the issue: 2,400 items/s, 7 saves/s, p99 200 ms, page p95 1 s,
# JSON export 25 s
PEER = figures(2400, 7, 200, 1000, 25, 1200)


def verdicts(ours: dict[str, object] | None, theirs: dict[str, object] | None) -> dict[str, str]:
    return {r.metric.key: r.verdict for r in compare(ours, theirs)}


def test_advantage_direction() -> None:
    assert advantage(100.0, 10.0, "higher") == pytest.approx(10.0)
    assert advantage(2.0, 20.0, "lower") == pytest.approx(10.0)
    assert advantage(40.0, 20.0, "lower") == pytest.approx(0.5)
    assert advantage(1.0, 0.0, "higher") is None


def test_meeting_every_target_passes() -> None:
    v = verdicts(figures(24_000, 140, 29, 19, 2.5, 300), PEER)
    assert {k: x for k, x in v.items() if x} == {
        "import_items_per_s": "PASS", "saves.per_s": "PASS", "saves.p99_ms": "PASS",
        "list_page.p95_ms": "PASS", "export_json_s": "PASS", "export_coco_s": "PASS",
        "peak_rss_mb": "PASS",
    }


def test_each_target_fails_just_past_its_bound() -> None:
    v = verdicts(figures(23_999, 139, 30, 20, 2.6, 1200), PEER)
    assert v["import_items_per_s"] == "FAIL"
    assert v["saves.per_s"] == "FAIL"
    assert v["saves.p99_ms"] == "FAIL"
    assert v["list_page.p95_ms"] == "FAIL"
    assert v["export_json_s"] == "FAIL"
    # equal memory is not "less memory"
    assert v["peak_rss_mb"] == "FAIL"


def test_without_the_peer_only_absolute_targets_are_judged() -> None:
    rows = {r.metric.key: r for r in compare(figures(24_000, 140, 12, 8, 2.0, 300), None)}
    assert rows["saves.p99_ms"].verdict == "PASS"
    assert rows["list_page.p95_ms"].verdict == "PASS"
    assert rows["import_items_per_s"].verdict == "n/a"
    assert rows["import_items_per_s"].ratio is None
    assert rows["saves.per_s"].theirs is None
