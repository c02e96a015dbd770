/**
 * The save state, always visible: saved / unsaved / incomplete (a draft with required
 * values missing, saved or not yet) / saving / conflict / invalid / error.
 */
import type { SaveState } from "../state/useAnnotationSession";

const TEXT: Record<SaveState["kind"], string> = {
  loading: "Loading…",
  saved: "Saved",
  unsaved: "Unsaved changes",
  incomplete: "Incomplete",
  saving: "Saving…",
  conflict: "Conflict",
  invalid: "Not saved: invalid",
  error: "Not saved",
};

export function SaveIndicator({ state }: { state: SaveState }) {
  const title =
    state.kind === "saved" && state.at
      ? `Saved at ${state.at.toLocaleTimeString()}`
      : state.kind === "error" || state.kind === "invalid"
        ? state.message
        : state.kind === "incomplete"
          ? state.saved
            ? `Saved as a draft; to fill in before submitting: ${state.problems.join("; ")}`
            : `Not saved yet (kept in this browser); open: ${state.problems.join("; ")}`
          : TEXT[state.kind];
  const label = state.kind === "incomplete" && state.saved ? "Incomplete (draft saved)" : TEXT[state.kind];
  return (
    <span className={`save-state save-${state.kind}`} role="status" aria-live="polite" title={title}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}
