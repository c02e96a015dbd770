import { describe, expect, it } from "vitest";
import { canRedo, canUndo, HISTORY_LIMIT, historyOf, push, redo, replace, undo } from "./history";

describe("undo/redo history", () => {
  it("walks back and forth through immutable states", () => {
    let h = historyOf("a");
    h = push(h, "b");
    h = push(h, "c");
    expect(h.present).toBe("c");
    h = undo(h);
    expect(h.present).toBe("b");
    h = undo(h);
    expect([h.present, canUndo(h), canRedo(h)]).toEqual(["a", false, true]);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect([h.present, canRedo(h)]).toEqual(["c", false]);
  });

  it("drops the redo branch on a new edit", () => {
    const h = push(undo(push(push(historyOf(1), 2), 3)), 4);
    expect([h.past, h.present, h.future]).toEqual([[1, 2], 4, []]);
  });

  it("replace changes the present without an undo step", () => {
    const h = replace(push(historyOf(1), 2), 3);
    expect(undo(h).present).toBe(1);
  });

  it("forgets states beyond the limit", () => {
    let h = historyOf(0);
    for (let i = 1; i <= HISTORY_LIMIT + 10; i++) h = push(h, i);
    expect(h.past.length).toBe(HISTORY_LIMIT);
    expect(h.past[0]).toBe(10);
  });
});
