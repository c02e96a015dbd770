/**
 * How an import's outcome reads on screen: where each problem is (file:line, item, path),
 * what the counts mean, how sure detection was, and upload sizes. Pure, so the wording is
 * tested once and the page only lays it out.
 */

/** Where a problem is, as the server reports it (any of the parts may be missing). */
export interface ProblemPlace {
  file?: string | null;
  line?: number | null;
  item?: string | null;
  path?: string | null;
}

/** "labels.jsonl:4 · item c-17 · annotations[0].document.objects[2]" (empty: nowhere known). */
export function placeOf(p: ProblemPlace): string {
  const parts: string[] = [];
  if (p.file) parts.push(p.line != null ? `${p.file}:${p.line}` : p.file);
  else if (p.line != null) parts.push(`line ${p.line}`);
  if (p.item) parts.push(`item ${p.item}`);
  if (p.path) parts.push(p.path);
  return parts.join(" · ");
}

export interface ImportCounts {
  imported: number;
  skipped: number;
  existing: number;
  updated: number;
}

/** The counts as label/value rows, in the order a reader asks about them. */
export function countRows(r: ImportCounts): { label: string; value: number }[] {
  return [
    { label: "Items imported", value: r.imported },
    { label: "Already in the project", value: r.existing },
    { label: "Of those, updated", value: r.updated },
    { label: "Bad records skipped", value: r.skipped },
  ];
}

/** "coco, detected (95% sure): it has images, annotations and categories". */
export function formatRead(format: string, detected: { confidence: number; reason: string } | null | undefined): string {
  if (!detected) return `${format}, as chosen`;
  const pct = Math.round(detected.confidence * 100);
  return `${format}, detected (${pct}% sure): ${detected.reason}`;
}

const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** 1536 → "1.5 KB": sizes in the upload bar. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = unit === 0 || value >= 100 ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

/** The percentage of an upload sent, 0..100 (0 for an empty total). */
export function percentSent(loaded: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.round((loaded / total) * 100)));
}
