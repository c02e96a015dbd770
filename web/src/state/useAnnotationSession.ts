/**
 * One annotator's work on one item: load, an undo/redo history of immutable documents,
 * debounced autosave with optimistic concurrency (base_revision), explicit submit, and
 * conflict handling that keeps the local work until the user decides.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api, conflictCurrent } from "../api/client";
import type { AnnotationState, AnnotationStatus, Violation } from "../api/types";
import { EMPTY_DOC, type AnnotationDoc } from "../domain/annotation";
import { canRedo, canUndo, historyOf, push, redo, replace, undo, type History } from "../domain/history";
import type { DocumentProblems } from "../domain/ontology";
import { clearBackup, readBackup, sameDoc, writeBackup } from "./draftBackup";

export type SaveState =
  | { kind: "loading" }
  | { kind: "saved"; at: Date | null }
  | { kind: "unsaved" }
  /** open problems; `saved`: the server has it as a draft (only required values are missing) */
  | { kind: "incomplete"; problems: string[]; saved: boolean }
  | { kind: "saving" }
  | { kind: "conflict"; current: AnnotationState | null }
  | { kind: "invalid"; message: string; violations: Violation[] }
  | { kind: "error"; message: string };

/** Quiet time after the last edit before autosave sends it. */
export const AUTOSAVE_DELAY_MS = 800;

export interface AnnotationSession {
  ready: boolean;
  loadError: string | null;
  doc: AnnotationDoc;
  revision: number;
  status: AnnotationStatus;
  saveState: SaveState;
  notice: string | null;
  edit: (next: AnnotationDoc) => void;
  preview: (next: AnnotationDoc) => void;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  save: () => Promise<boolean>;
  submit: () => Promise<boolean>;
  keepMine: () => Promise<boolean>;
  takeTheirs: () => void;
  dismissNotice: () => void;
}

const NO_PROBLEMS = (): DocumentProblems => ({ missing: [], wrong: [] });

/**
 * `problems` tells what the user still has to fill in (`missing` required attributes) and
 * what is wrong (bad values). A draft may be incomplete: autosave sends it with required
 * values missing (the server checks them on submission) and the indicator stays on
 * "Incomplete". While a value is wrong autosave waits (the server would refuse even a
 * draft) and the work stays in the browser's backup; an explicit save still sends it, to
 * show the server's view.
 */
export function useAnnotationSession(
  itemId: number,
  problems: (doc: AnnotationDoc) => DocumentProblems = NO_PROBLEMS,
): AnnotationSession {
  const [history, setHistory] = useState<History<AnnotationDoc>>(historyOf(EMPTY_DOC));
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveState, setSaveState] = useState<SaveState>({ kind: "loading" });
  const [status, setStatus] = useState<AnnotationStatus>("draft");
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  // refs mirror state for the async save path, which must not read stale closures
  const presentRef = useRef<AnnotationDoc>(EMPTY_DOC);
  const savedRef = useRef<AnnotationDoc>(EMPTY_DOC);
  const revisionRef = useRef(0);
  const statusRef = useRef<AnnotationStatus>("draft");
  const inFlight = useRef<Promise<boolean> | null>(null);
  const blocked = useRef(false); // conflict: no autosave until the user chooses
  const problemsRef = useRef(problems);
  problemsRef.current = problems;
  presentRef.current = history.present;

  /** The state once the server has `doc`: saved, or a saved draft that is incomplete. */
  const settled = useCallback((doc: AnnotationDoc, at: Date | null): SaveState => {
    const { missing } = problemsRef.current(doc);
    return missing.length > 0 ? { kind: "incomplete", problems: missing, saved: true } : { kind: "saved", at };
  }, []);

  useEffect(() => {
    let cancelled = false;
    setReady(false);
    setSaveState({ kind: "loading" });
    api
      .annotation(itemId)
      .then((a) => {
        if (cancelled) return;
        savedRef.current = a.document;
        revisionRef.current = a.revision;
        statusRef.current = a.status;
        setRevision(a.revision);
        setStatus(a.status);
        let h = historyOf(a.document);
        const backup = readBackup(itemId);
        if (backup && !sameDoc(backup.document, a.document)) {
          // unsaved work from an earlier visit: restore it as an undoable step
          h = push(h, backup.document);
          if (backup.base_revision === a.revision) {
            setNotice("Restored unsaved changes kept in this browser.");
            setSaveState({ kind: "unsaved" });
          } else {
            blocked.current = true;
            setNotice("Restored unsaved changes kept in this browser; the server has a newer version.");
            setSaveState({ kind: "conflict", current: a });
          }
        } else {
          clearBackup(itemId);
          setSaveState(settled(a.document, null));
        }
        setHistory(h);
        setReady(true);
      })
      .catch((e: unknown) => {
        if (!cancelled) setLoadError(e instanceof Error ? e.message : String(e));
      });
    return () => {
      cancelled = true;
    };
  }, [itemId, settled]);

  const send = useCallback(
    async (wanted: AnnotationStatus, base?: number): Promise<boolean> => {
      // one save at a time: wait for the one in flight, then send what is current
      while (inFlight.current) await inFlight.current;
      const document = presentRef.current;
      const run = (async () => {
        setSaveState({ kind: "saving" });
        try {
          const r = await api.saveAnnotation(itemId, {
            base_revision: base ?? revisionRef.current,
            document,
            status: wanted,
          });
          revisionRef.current = r.revision;
          statusRef.current = r.status ?? wanted;
          savedRef.current = document;
          blocked.current = false;
          setRevision(r.revision);
          setStatus(statusRef.current);
          if (sameDoc(presentRef.current, document)) {
            clearBackup(itemId);
            setSaveState(settled(document, new Date()));
          } else {
            setSaveState({ kind: "unsaved" });
          }
          return true;
        } catch (e) {
          if (e instanceof ApiError && e.status === 409) {
            blocked.current = true;
            setSaveState({ kind: "conflict", current: conflictCurrent(e) });
          } else if (e instanceof ApiError && e.status === 422) {
            setSaveState({ kind: "invalid", message: e.message, violations: e.violations });
          } else {
            setSaveState({ kind: "error", message: e instanceof Error ? e.message : String(e) });
          }
          return false;
        }
      })();
      inFlight.current = run;
      try {
        return await run;
      } finally {
        inFlight.current = null;
      }
    },
    [itemId, settled],
  );

  // autosave: a quiet period after the last change, unless a conflict waits for the user
  // or a value is wrong; a draft with required values still missing is sent all the same
  useEffect(() => {
    if (!ready || sameDoc(history.present, savedRef.current)) return;
    writeBackup(itemId, revisionRef.current, history.present);
    if (blocked.current) return;
    const { missing, wrong } = problemsRef.current(history.present);
    // a submitted annotation stays complete: edits to it wait until nothing is missing
    // (sending them as a draft would quietly take the item back out of "submitted")
    if (wrong.length > 0 || (missing.length > 0 && statusRef.current === "submitted")) {
      setSaveState({ kind: "incomplete", problems: [...wrong, ...missing], saved: false });
      return;
    }
    const waiting: SaveState =
      missing.length > 0 ? { kind: "incomplete", problems: missing, saved: false } : { kind: "unsaved" };
    setSaveState((s) => (s.kind === "saving" ? s : waiting));
    const t = window.setTimeout(() => void send(statusRef.current), AUTOSAVE_DELAY_MS);
    return () => window.clearTimeout(t);
  }, [history.present, ready, itemId, send]);

  // leaving with unsaved work asks first (the local backup keeps it either way)
  useEffect(() => {
    const guard = (ev: BeforeUnloadEvent) => {
      if (!sameDoc(presentRef.current, savedRef.current)) ev.preventDefault();
    };
    window.addEventListener("beforeunload", guard);
    return () => window.removeEventListener("beforeunload", guard);
  }, []);

  const keepMine = useCallback(async () => {
    let base: number | undefined;
    if (saveState.kind === "conflict" && saveState.current) base = saveState.current.revision;
    else base = (await api.annotation(itemId)).revision;
    blocked.current = false;
    return send(statusRef.current, base);
  }, [saveState, itemId, send]);

  const takeTheirs = useCallback(() => {
    const apply = (cur: AnnotationState) => {
      savedRef.current = cur.document;
      revisionRef.current = cur.revision;
      statusRef.current = cur.status;
      setRevision(cur.revision);
      setStatus(cur.status);
      blocked.current = false;
      // pushed, not replaced: undo brings the local version back
      setHistory((h) => push(h, cur.document));
      setNotice("Loaded the server's version. Undo (Ctrl+Z) brings yours back.");
      setSaveState({ kind: "saved", at: new Date() });
    };
    if (saveState.kind === "conflict" && saveState.current) apply(saveState.current);
    else void api.annotation(itemId).then(apply);
  }, [saveState, itemId]);

  return {
    ready,
    loadError,
    doc: history.present,
    revision,
    status,
    saveState,
    notice,
    edit: useCallback((next: AnnotationDoc) => setHistory((h) => push(h, next)), []),
    preview: useCallback((next: AnnotationDoc) => setHistory((h) => replace(h, next)), []),
    undo: useCallback(() => setHistory((h) => undo(h)), []),
    redo: useCallback(() => setHistory((h) => redo(h)), []),
    canUndo: canUndo(history),
    canRedo: canRedo(history),
    // an explicit save with nothing new is a no-op (every save is a stored revision)
    save: useCallback(
      () =>
        sameDoc(presentRef.current, savedRef.current) && !blocked.current
          ? Promise.resolve(true)
          : send(statusRef.current),
      [send],
    ),
    submit: useCallback(() => send("submitted"), [send]),
    keepMine,
    takeTheirs,
    dismissNotice: useCallback(() => setNotice(null), []),
  };
}
