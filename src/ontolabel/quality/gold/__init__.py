"""Scoring annotators against gold items: mask Dice/IoU, object and span F1, class
accuracy and confusion, transcript CER/WER."""

from __future__ import annotations

from ontolabel.quality.gold.classes import ClassAgreement
from ontolabel.quality.gold.masks import EmptyMasks, MaskClassScore
from ontolabel.quality.gold.score import GoldScore, score_against_gold
from ontolabel.quality.gold.text import TranscriptScore

__all__ = [
    "ClassAgreement",
    "EmptyMasks",
    "GoldScore",
    "MaskClassScore",
    "TranscriptScore",
    "score_against_gold",
]
