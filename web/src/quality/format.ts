/** How the Quality page writes numbers: fixed decimals, never "NaN", intervals and p-values in words. */

const DASH = "—";

/** A score with `digits` decimals; null, NaN and infinities are a dash (not applicable). */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  // -0.000 reads as a sign error
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A p-value as a statistician writes it: "p = 0.023", "p < 0.001". */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "p not computed";
  if (p < 0.001) return "p < 0.001";
  return `p = ${p.toFixed(3)}`;
}

/** An interval's bounds: "[0.612, 0.851]". */
export function fmtInterval(low: number | null | undefined, high: number | null | undefined, digits = 3): string {
  return `[${fmt(low, digits)}, ${fmt(high, digits)}]`;
}

/** A confidence level as a percentage: 0.95 -> "95%". */
export function fmtLevel(level: number | null | undefined): string {
  if (level === null || level === undefined || !Number.isFinite(level)) return "";
  const pct = level * 100;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** Seconds as the time an annotator spends on an item: "38 s", "2 min 05 s". */
export function fmtSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  const m = Math.floor(whole / 60);
  const s = whole % 60;
  return `${m} min ${String(s).padStart(2, "0")} s`;
}

/** A rate such as items per hour: one decimal below 100, whole numbers with thousands separators above. */
export function fmtRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  if (Math.abs(rate) < 100) return rate.toFixed(1);
  return Math.round(rate).toLocaleString("en-US");
}
