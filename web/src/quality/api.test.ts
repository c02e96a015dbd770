import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { createQualityApi } from "./api";
import { NO_FILTERS } from "./filters";

const BASE = "http://ontolabel.test";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function apiAnswering(reply: (req: Request) => Response) {
  const urls: string[] = [];
  const api = createQualityApi({
    baseUrl: BASE,
    fetch: async (req: Request) => {
      urls.push(req.url.slice(BASE.length));
      return reply(req);
    },
  });
  return { api, urls };
}

describe("quality API", () => {
  it("sends the filters as the contract's query: class and annotator repeated, dates as given", async () => {
    const { api, urls } = apiAnswering(() => json({ project_id: 3, annotators: [], findings: [] }));
    await api.audit(3, { classes: ["Vehicle", "Truck"], annotators: ["alice", "bob"], since: "2026-01-01", until: null });
    await api.agreement(3, NO_FILTERS);
    expect(urls).toEqual([
      "/api/projects/3/quality/audit?class=Vehicle&class=Truck&annotator=alice&annotator=bob&since=2026-01-01",
      "/api/projects/3/quality/agreement",
    ]);
  });

  it("turns an error reply into an ApiError carrying the server's message", async () => {
    const { api } = apiAnswering(() =>
      json({ error: "invalid", message: "the ontology has no class 'Tram'", hint: "classes: Car, Truck" }, 422),
    );
    const failure = await api.gold(3, { ...NO_FILTERS, classes: ["Tram"] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(422);
    expect((failure as ApiError).message).toBe("the ontology has no class 'Tram'");
  });

  it("lists members by username", async () => {
    const { api, urls } = apiAnswering(() =>
      json([
        { user_id: 1, username: "alice", role: "annotator" },
        { user_id: 2, username: "demo", role: "owner" },
      ]),
    );
    expect(await api.members(5)).toEqual(["alice", "demo"]);
    expect(urls).toEqual(["/api/projects/5/members"]);
  });
});
