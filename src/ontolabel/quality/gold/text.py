"""Character and word error rates of transcripts against gold (edit distances by rapidfuzz).

The transcript of an annotation is the text of its time intervals in time order
(`Interval.transcript`, or the text attribute named by the caller), joined by spaces, with
runs of whitespace collapsed: so a segmentation that differs from gold's does not by itself
count as errors. CER counts characters (spaces included), WER whitespace-separated words,
each divided by the length of gold's transcript; over many items the errors and lengths are
summed before dividing (corpus rates, as jiwer computes them over a list of sentences).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from rapidfuzz.distance import Levenshtein

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Interval

Figure = float | None


@dataclass(frozen=True)
class TranscriptScore:
    char_errors: int = 0
    char_total: int = 0
    word_errors: int = 0
    word_total: int = 0
    items: int = 0

    def __add__(self, other: TranscriptScore) -> TranscriptScore:
        return TranscriptScore(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def cer(self) -> Figure:
        return self.char_errors / self.char_total if self.char_total else None

    @property
    def wer(self) -> Figure:
        return self.word_errors / self.word_total if self.word_total else None

    def to_dict(self) -> dict[str, object]:
        return {
            "cer": self.cer,
            "wer": self.wer,
            "char_errors": self.char_errors,
            "char_total": self.char_total,
            "word_errors": self.word_errors,
            "word_total": self.word_total,
            "items": self.items,
        }


def transcript_of(
    objects: Sequence[AnnotationObject], attribute: str | None = "text"
) -> str | None:
    """The annotation's transcript, or None when no interval carries text."""
    pieces: list[tuple[float, float, str]] = []
    for obj in objects:
        if not isinstance(obj.geometry, Interval):
            continue
        text = obj.geometry.transcript
        if text is None and attribute is not None:
            value = obj.attributes.get(attribute)
            text = value if isinstance(value, str) else None
        if text is not None:
            pieces.append((obj.geometry.start, obj.geometry.end, text))
    if not pieces:
        return None
    pieces.sort(key=lambda p: (p[0], p[1]))
    return " ".join(" ".join(p[2] for p in pieces).split())


def error_rates(hypothesis: str, reference: str) -> TranscriptScore:
    """Edit distances of one transcript against its reference."""
    hyp, ref = " ".join(hypothesis.split()), " ".join(reference.split())
    return TranscriptScore(
        char_errors=Levenshtein.distance(hyp, ref),
        char_total=len(ref),
        word_errors=Levenshtein.distance(hyp.split(), ref.split()),
        word_total=len(ref.split()),
        items=1,
    )


def transcript_scores(
    candidate: Sequence[AnnotationObject],
    gold: Sequence[AnnotationObject],
    *,
    attribute: str | None = "text",
) -> TranscriptScore:
    """CER/WER of the candidate's transcript against gold's; nothing scored when gold has
    no transcript and the candidate none either."""
    reference = transcript_of(gold, attribute)
    hypothesis = transcript_of(candidate, attribute)
    if reference is None and hypothesis is None:
        return TranscriptScore()
    return error_rates(hypothesis or "", reference or "")
