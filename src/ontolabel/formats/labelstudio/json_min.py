"""Label Studio's JSON-MIN export: one flat row per annotation, turned into a full task.

A JSON-MIN row holds the task's data fields (``image``, ``text``, ...), ``id`` (the task's),
``annotator``, ``annotation_id`` and timestamps, and one key per control (its ``from_name``)
whose value is the list of that control's regions, each a result's ``value`` with
``original_width``/``original_height`` folded in. Region ids and relations are not in the
format. A single choice is written as a bare string, which JSON-MIN cannot tell from a data
field: it stays in the item's meta data with the other fields.
"""

from __future__ import annotations

from typing import Any

ROW_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at"})
ROW_KEYS |= frozenset({"lead_time", "drafts", "predictions"})
_SIZE_KEYS = ("original_width", "original_height", "image_rotation")


def is_json_min(row: dict[str, Any]) -> bool:
    return "data" not in row and "annotations" not in row and "annotation_id" in row


def _region_type(value: dict[str, Any]) -> str | None:
    """The result type a JSON-MIN region stands for: the one ``*labels`` key it has."""
    kinds = [k for k, v in value.items() if k.endswith("labels") and isinstance(v, list)]
    return kinds[0] if len(kinds) == 1 else None


def _results(key: str, regions: Any) -> list[dict[str, Any]] | None:
    """The full results of one control's JSON-MIN value, or None if it is a data field."""
    if isinstance(regions, dict) and isinstance(regions.get("choices"), list):
        return [{"id": key, "type": "choices", "from_name": key, "value": regions}]
    if (
        not isinstance(regions, list)
        or not regions
        or not all(isinstance(r, dict) and _region_type(r) for r in regions)
    ):
        return None
    found: list[dict[str, Any]] = []
    for n, region in enumerate(regions, start=1):
        result: dict[str, Any] = {"id": f"{key}{n}", "type": _region_type(region), "from_name": key}
        result.update({k: region[k] for k in _SIZE_KEYS if k in region})
        result["value"] = {k: v for k, v in region.items() if k not in _SIZE_KEYS}
        found.append(result)
    return found


def task_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """The full task of a JSON-MIN row, with its one annotation."""
    data: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    for key, value in row.items():
        if key in ROW_KEYS:
            continue
        found = _results(key, value)
        if found is None:
            data[key] = value
        else:
            results += found
    annotator = row.get("annotator")
    annotation = {
        "id": row.get("annotation_id"),
        "completed_by": {"email": annotator} if isinstance(annotator, str) else annotator,
        "result": results,
    }
    return {"id": row.get("id"), "data": data, "annotations": [annotation]}
