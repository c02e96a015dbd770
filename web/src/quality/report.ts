/**
 * The quality reports as the REST contract describes them (GET
 * /api/projects/{pid}/quality/agreement|gold|audit). The UI reads them through these names
 * only, so the shaping modules and the page do not care where the shapes come from.
 */

export interface ConfidenceInterval {
  low: number | null;
  high: number | null;
  level: number;
  n_resamples?: number | null;
  seed?: number | null;
  method?: string | null;
}

/** One coefficient's outcome: a value with its interval, or undefined with the reason. */
export interface AgreementResult {
  coefficient: string;
  label: string;
  value: number | null;
  undefined_reason: string | null;
  ci: ConfidenceInterval | null;
  per_category?: Record<string, number | null> | null;
  counts?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

export interface ConfusionMatrix {
  labels: string[];
  matrix: number[][];
}

export interface ClassAgreement {
  class: string;
  n_units: number;
  coefficients: AgreementResult[];
}

export interface GeometryAgreement {
  precision?: number | null;
  recall?: number | null;
  f1?: number | null;
  mean_iou?: number | null;
}

export interface PairAgreement {
  a: string;
  b: string;
  n_items: number;
  /** null when the pair has no class labels in common to compare */
  cohen_kappa: AgreementResult | null;
  geometry?: GeometryAgreement | null;
}

export interface AgreementReport {
  project_id: number;
  raters: string[];
  n_items: number;
  n_units: number;
  coefficients: AgreementResult[];
  per_class: ClassAgreement[];
  pairwise: PairAgreement[];
  confusion: ConfusionMatrix | null;
  /** what the server wants the reader to know about the scope (skipped items, …) */
  notes?: string[];
}

export interface GoldClassScore {
  class: string;
  f1?: number | null;
  precision?: number | null;
  recall?: number | null;
  iou?: number | null;
  dice?: number | null;
  support?: number | null;
}

export interface GoldAnnotator {
  annotator: string;
  n_items: number;
  f1?: number | null;
  precision?: number | null;
  recall?: number | null;
  mean_iou?: number | null;
  dice?: number | null;
  accuracy?: number | null;
  cer?: number | null;
  wer?: number | null;
  per_class: GoldClassScore[];
}

export interface GoldReport {
  project_id: number;
  n_gold_items: number;
  annotators: GoldAnnotator[];
  confusion: ConfusionMatrix | null;
}

export interface TimelineEntry {
  time: string;
  item_id: number;
  session: number;
  position_in_session: number;
  seconds: number | null;
  score: number | null;
  score_kind: string;
}

export interface DriftTest {
  test: string;
  statistic: number | null;
  p_value: number | null;
  effect: number | null;
  verdict: string;
  detail: string;
  /** the sizes of the groups compared */
  n?: number[] | null;
  median_drop?: number | null;
  mean_drop?: number | null;
}

export interface AuditClass {
  class: string;
  n: number;
  agreement_with_peers: number | null;
  gold_f1: number | null;
}

export interface AuditAnnotator {
  annotator: string;
  n_items: number;
  n_sessions: number;
  median_seconds_per_item: number | null;
  items_per_hour: number | null;
  agreement_with_peers?: AgreementResult | null;
  /** F1 of matched objects against the other annotators on the same items */
  peer_f1?: number | null;
  gold_f1: number | null;
  per_class: AuditClass[];
  timeline: TimelineEntry[];
  /** early against late work */
  drift: DriftTest | null;
  /** score against position within a session (fatigue) */
  trend?: DriftTest | null;
  /** session after session */
  across_sessions?: DriftTest | null;
}

export interface AuditReport {
  project_id: number;
  annotators: AuditAnnotator[];
  findings: string[];
}
