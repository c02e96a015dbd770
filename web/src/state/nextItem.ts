/**
 * "Next item": the first item after this one that the caller has not submitted, wrapping
 * around to the queue's start; null when everything is submitted.
 */
import { api } from "../api/client";

export async function nextItemId(projectId: number, currentId?: number): Promise<number | null> {
  const n = await api.next(projectId, currentId);
  if (n && n.id !== currentId) return n.id;
  if (currentId !== undefined) {
    // the server offered the current item (still a draft): look further down the queue
    let after: number | null = currentId;
    while (after !== null) {
      const page = await api.items(projectId, after, 100);
      const open = page.items.find((i) => i.status !== "submitted" && i.id !== currentId);
      if (open) return open.id;
      after = page.next_after;
    }
  }
  return n ? n.id : null;
}
