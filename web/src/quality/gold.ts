/** Gold scores shaped for the per-class bar chart and the annotator table. */
import type { GoldAnnotator, GoldClassScore } from "./report";

export type ClassMetric = "f1" | "precision" | "recall" | "iou" | "dice";

export const CLASS_METRICS: readonly { key: ClassMetric; label: string }[] = [
  { key: "f1", label: "F1" },
  { key: "precision", label: "Precision" },
  { key: "recall", label: "Recall" },
  { key: "iou", label: "IoU" },
  { key: "dice", label: "Dice" },
];

export interface ClassBar {
  readonly annotator: string;
  readonly class: string;
  readonly value: number;
  readonly support: number | null;
}

/** One bar per (annotator, class) that has `metric`; a missing or null score is no bar, not a 0. */
export function classBars(annotators: readonly GoldAnnotator[], metric: ClassMetric): ClassBar[] {
  const bars: ClassBar[] = [];
  for (const a of annotators) {
    for (const c of a.per_class) {
      const v = (c as GoldClassScore)[metric];
      if (typeof v === "number" && Number.isFinite(v)) {
        bars.push({ annotator: a.annotator, class: c.class, value: v, support: c.support ?? null });
      }
    }
  }
  return bars;
}

export type AnnotatorMetric = "f1" | "precision" | "recall" | "mean_iou" | "dice" | "accuracy" | "cer" | "wer";

export const ANNOTATOR_METRICS: readonly { key: AnnotatorMetric; label: string; lowerIsBetter: boolean }[] = [
  { key: "f1", label: "F1", lowerIsBetter: false },
  { key: "precision", label: "Precision", lowerIsBetter: false },
  { key: "recall", label: "Recall", lowerIsBetter: false },
  { key: "mean_iou", label: "Mean IoU", lowerIsBetter: false },
  { key: "dice", label: "Dice", lowerIsBetter: false },
  { key: "accuracy", label: "Accuracy", lowerIsBetter: false },
  { key: "cer", label: "CER", lowerIsBetter: true },
  { key: "wer", label: "WER", lowerIsBetter: true },
];

/** The table's columns: the metrics at least one annotator has a number for (CER/WER only with transcripts). */
export function presentMetrics(annotators: readonly GoldAnnotator[]) {
  return ANNOTATOR_METRICS.filter((m) =>
    annotators.some((a) => typeof a[m.key] === "number" && Number.isFinite(a[m.key] as number)),
  );
}

/** Per metric, the annotator(s) with the best value (for a quiet highlight); none when all tie. */
export function bestAnnotators(annotators: readonly GoldAnnotator[], metric: AnnotatorMetric, lowerIsBetter: boolean): Set<string> {
  const scored = annotators.filter((a) => typeof a[metric] === "number" && Number.isFinite(a[metric] as number));
  if (scored.length < 2) return new Set();
  const values = scored.map((a) => a[metric] as number);
  const best = lowerIsBetter ? Math.min(...values) : Math.max(...values);
  if (values.every((v) => v === best)) return new Set();
  return new Set(scored.filter((a) => a[metric] === best).map((a) => a.annotator));
}
