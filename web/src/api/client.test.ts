import { afterEach, describe, expect, it, vi } from "vitest";
import type { AnnotationDoc } from "../domain/annotation";
import { ApiError, conflictCurrent, createApi, mediaUrl, UNAUTHORIZED_EVENT } from "./client";
import type { Wire } from "./types";

const BASE = "http://ontolabel.test";

interface Sent {
  method: string;
  url: string;
  body: unknown;
}

/** An API over a fake server that answers `reply` and records what was sent. */
function apiAnswering(reply: (req: Request) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const api = createApi({
    baseUrl: BASE,
    fetch: async (req: Request) => {
      const text = await req.clone().text();
      sent.push({ method: req.method, url: req.url.slice(BASE.length), body: text ? JSON.parse(text) : null });
      return reply(req);
    },
  });
  return { api, sent };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const state = (revision: number, document: Wire["Annotation"]): Wire["AnnotationState"] => ({
  item_id: 7,
  user_id: 1,
  revision,
  status: "draft",
  document,
  updated_at: "2025-01-02T03:04:05Z",
  ontology_version: 1,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the API client", () => {
  it("flattens an item and keeps one displayable URL per media file", async () => {
    const dicom: Wire["MediaInfo"] = { modality: "image", mime: "application/dicom", sha256: "ab", size: 10, name: "ct.dcm" };
    const body: Wire["ItemBody"] = {
      id: 7,
      project_id: 3,
      external_id: "ct-1",
      created_at: "2025-01-02T03:04:05Z",
      content: { modality: "image", media: [dicom], text: null, meta: { site: "A" } },
      status: "new",
      revision: 0,
      media_urls: ["/api/media/ab?display=1"],
    };
    const { api, sent } = apiAnswering(() => json(body));
    const item = await api.item(7);
    expect(sent).toEqual([{ method: "GET", url: "/api/items/7", body: null }]);
    expect(item).toMatchObject({ id: 7, project_id: 3, external_id: "ct-1", modality: "image", text: null });
    expect(item.meta).toEqual({ site: "A" });
    expect(mediaUrl(item.media[0]!, true)).toBe("/api/media/ab?display=1");
    expect(mediaUrl(item.media[0]!)).toBe("/api/media/ab");
  });

  it("leaves an absent cursor out of the item page query", async () => {
    const { api, sent } = apiAnswering(() => json({ items: [], next_after: null }));
    await api.items(3, null);
    await api.items(3, 41, 10);
    expect(sent.map((s) => s.url)).toEqual(["/api/projects/3/items?limit=100", "/api/projects/3/items?limit=10&after=41"]);
  });

  it("saves the editors' document in the wire shape and reads the stored state back", async () => {
    const doc: AnnotationDoc = {
      objects: [
        {
          id: "o1",
          class_name: "Lung",
          geometry: { kind: "polygon", parts: [{ exterior: [[0, 0], [4, 0], [4, 3]], holes: [] }] },
          attributes: { Side: "left" },
        },
      ],
      relations: [],
    };
    const { api, sent } = apiAnswering(async (req) => {
      const body = (await req.json()) as Wire["SaveRequest"];
      return json(state(5, body.document));
    });
    const saved = await api.saveAnnotation(7, { base_revision: 4, status: "draft", document: doc });
    expect(sent[0]).toEqual({
      method: "PUT",
      url: "/api/items/7/annotation",
      body: {
        base_revision: 4,
        status: "draft",
        document: {
          objects: [
            {
              id: "o1",
              class_name: "Lung",
              media_index: 0,
              geometry: { kind: "polygon", parts: [{ exterior: [[0, 0], [4, 0], [4, 3]], holes: [] }] },
              attributes: { Side: "left" },
            },
          ],
          relations: [],
        },
      },
    });
    expect(saved.revision).toBe(5);
    expect(saved.document.objects[0]!.geometry).toEqual(doc.objects[0]!.geometry);
  });

  it("gives lists the server left out of a document as empty", async () => {
    const { api } = apiAnswering(() => json(state(0, {})));
    expect((await api.annotation(7)).document).toEqual({ objects: [], relations: [] });
  });

  it("turns a stale save into an ApiError carrying the stored state", async () => {
    const current = state(9, { objects: [], relations: [] });
    const { api } = apiAnswering(() =>
      json({ error: "Conflict", message: "the annotation is at revision 9, not 4", current, yours: {} }, 409),
    );
    const err = await api.saveAnnotation(7, { base_revision: 4, status: "draft", document: { objects: [], relations: [] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect([e.status, e.code, e.message]).toEqual([409, "Conflict", "the annotation is at revision 9, not 4"]);
    expect(conflictCurrent(e)?.revision).toBe(9);
  });

  it("hands every violation of a refused save to the page", async () => {
    const violations = [{ message: "required attribute 'Side' of class 'Lung' is missing", path: "objects[0].attributes.Side" }];
    const { api } = apiAnswering(() => json({ error: "AnnotationInvalid", message: "1 violation", violations }, 422));
    const e = (await api.annotation(7).catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code]).toEqual([422, "AnnotationInvalid"]);
    expect(e.violations).toEqual(violations);
  });

  it("reports a reply that is not an error body, and an unreachable server, plainly", async () => {
    const proxy = apiAnswering(() => new Response("Bad Gateway", { status: 502 }));
    const e = (await proxy.api.me().catch((x: unknown) => x)) as ApiError;
    expect([e.status, e.code, e.message]).toEqual([502, "502", "Bad Gateway"]);
    const down = apiAnswering(() => Promise.reject(new TypeError("fetch failed")));
    const off = (await down.api.me().catch((x: unknown) => x)) as ApiError;
    expect([off.status, off.code]).toEqual([0, "offline"]);
  });

  it("answers null for the next item when the queue is done", async () => {
    const { api, sent } = apiAnswering(() => json({ error: "NotFound", message: "every item is submitted" }, 404));
    expect(await api.next(3, 12)).toBeNull();
    expect(sent[0]!.url).toBe("/api/projects/3/next?after=12");
  });

  it("announces a lost session, but not a failed login", async () => {
    const events = new EventTarget();
    const heard: string[] = [];
    events.addEventListener(UNAUTHORIZED_EVENT, (ev) => heard.push(ev.type));
    vi.stubGlobal("window", events);
    const { api } = apiAnswering(() => json({ error: "AuthError", message: "not logged in" }, 401));
    await api.login("ana", "wrong").catch(() => undefined);
    expect(heard).toEqual([]);
    await api.me().catch(() => undefined);
    expect(heard).toEqual([UNAUTHORIZED_EVENT]);
  });
});
