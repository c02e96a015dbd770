"""The gold report of a project: each annotator's submitted work on gold items, scored
against the gold by ``ontolabel.quality.gold`` and summed per annotator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ontolabel.quality.gold import EmptyMasks, GoldScore, score_against_gold
from ontolabel.services.quality_scope import ItemProgress, QualityFilters, collecting
from ontolabel.services.workspace import Workspace


@dataclass(frozen=True)
class GoldSettings:
    threshold: float = 0.5  # similarity a pair of objects needs to match
    empty_masks: EmptyMasks = "perfect"  # a mask class neither side painted: 1.0, or left out


@dataclass
class GoldReport:
    project_id: int
    filters: QualityFilters
    n_gold_items: int  # gold items with submitted work in scope
    scores: dict[str, GoldScore]  # per annotator, summed over their gold items

    def to_dict(self) -> dict[str, Any]:
        pooled = GoldScore.combine(self.scores.values())
        confusion = (pooled.object_classes + pooled.item_classes).to_dict()
        return {
            "project_id": self.project_id,
            "filters": self.filters.to_dict(),
            "n_gold_items": self.n_gold_items,
            "annotators": [_annotator(name, s) for name, s in sorted(self.scores.items())],
            "confusion": {"labels": confusion["labels"], "matrix": confusion["matrix"]},
        }


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _annotator(name: str, score: GoldScore) -> dict[str, Any]:
    micro = score.objects.micro
    classes = score.object_classes + score.item_classes
    per_class: dict[str, dict[str, Any]] = {}
    for cls, counts in sorted(score.objects.per_class.items()):
        per_class[cls] = {
            "class": cls,
            "f1": counts.f1,
            "precision": counts.precision,
            "recall": counts.recall,
            "iou": counts.mean_iou,
            "dice": counts.dice,
            "support": counts.tp + counts.fn,  # gold objects of the class
        }
    for cls, mask in sorted(score.masks.items()):
        entry = per_class.setdefault(
            cls,
            {"class": cls, "f1": None, "precision": None, "recall": None, "support": 0},
        )
        # painted area beats matched instances for a mask class
        entry["iou"] = mask.iou
        entry["dice"] = mask.dice
    # Dice: of the painted area where the project has masks, else of matched objects
    dice = _mean([m.dice for m in score.masks.values()]) if score.masks else micro.dice
    return {
        "annotator": name,
        "n_items": score.items,
        "f1": micro.f1,
        "precision": micro.precision,
        "recall": micro.recall,
        "mean_iou": micro.mean_iou,
        "dice": dice,
        "accuracy": classes.accuracy,
        "cer": score.transcripts.cer,
        "wer": score.transcripts.wer,
        "per_class": list(per_class.values()),
    }


def gold_report(
    ws: Workspace,
    project_id: int,
    *,
    user_id: int,
    filters: QualityFilters | None = None,
    settings: GoldSettings | None = None,
    progress: ItemProgress | None = None,
) -> GoldReport:
    chosen = settings or GoldSettings()
    wanted = filters or QualityFilters()
    scores: dict[str, GoldScore] = {}
    n_gold = 0
    with collecting(ws, project_id, user_id=user_id, filters=wanted, progress=progress) as scope:
        for work in scope.items:
            if work.gold is None:
                continue
            n_gold += 1
            for name, s in work.submissions.items():
                one = score_against_gold(
                    s.document, work.gold, threshold=chosen.threshold,
                    empty_masks=chosen.empty_masks,
                )  # fmt: skip
                scores[name] = scores[name] + one if name in scores else one
    return GoldReport(project_id, wanted, n_gold, scores)
