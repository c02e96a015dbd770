/**
 * A copy of unsaved work in the browser's storage, so a closed tab, a crash or a lost
 * connection never loses an annotation: it is written on every edit and removed once the
 * server has the same document.
 */
import type { AnnotationDoc } from "../domain/annotation";

export interface DraftBackup {
  base_revision: number;
  document: AnnotationDoc;
  saved_at: string;
}

function key(itemId: number): string {
  return `ontolabel:draft:${itemId}`;
}

export function readBackup(itemId: number): DraftBackup | null {
  try {
    const raw = localStorage.getItem(key(itemId));
    return raw ? (JSON.parse(raw) as DraftBackup) : null;
  } catch {
    return null;
  }
}

export function writeBackup(itemId: number, baseRevision: number, document: AnnotationDoc): void {
  try {
    const b: DraftBackup = { base_revision: baseRevision, document, saved_at: new Date().toISOString() };
    localStorage.setItem(key(itemId), JSON.stringify(b));
  } catch {
    // storage full or disabled: the server copy is still the safety net
  }
}

export function clearBackup(itemId: number): void {
  try {
    localStorage.removeItem(key(itemId));
  } catch {
    // nothing to clear
  }
}

export function sameDoc(a: AnnotationDoc, b: AnnotationDoc): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
