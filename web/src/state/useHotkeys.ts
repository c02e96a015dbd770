/**
 * Keyboard shortcuts for an editor. Keys are written as "ctrl+shift+z", "delete", "b";
 * "ctrl" also matches the Mac command key. Plain keys are ignored while the user types in a
 * field, so typing "b" into an attribute never switches tools; Escape leaves the field.
 */
import { useEffect, useRef } from "react";

export type HotkeyMap = Record<string, (ev: KeyboardEvent) => void>;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "range"].includes(target.type);
  }
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export function keyName(ev: KeyboardEvent): string {
  const parts: string[] = [];
  if (ev.ctrlKey || ev.metaKey) parts.push("ctrl");
  if (ev.altKey) parts.push("alt");
  if (ev.shiftKey) parts.push("shift");
  const k = ev.key === " " ? "space" : ev.key.toLowerCase();
  if (!["control", "meta", "alt", "shift"].includes(k)) parts.push(k);
  return parts.join("+");
}

export function useHotkeys(map: HotkeyMap, enabled = true): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (ev: KeyboardEvent) => {
      const name = keyName(ev);
      const withModifier = ev.ctrlKey || ev.metaKey || ev.altKey;
      if (isTyping(ev.target)) {
        // Escape leaves the field (and then does what it does elsewhere); otherwise only
        // modified shortcuts count inside a field, and never undo/redo (the field's own)
        if (name === "escape") (ev.target as HTMLElement).blur();
        else if (!withModifier || /^ctrl\+(shift\+)?z$|^ctrl\+y$/.test(name)) return;
      }
      const handler = ref.current[name];
      if (handler) {
        ev.preventDefault();
        handler(ev);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
