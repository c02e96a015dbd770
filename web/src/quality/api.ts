/**
 * The quality endpoints and the project's members, for the Quality page. Errors come back
 * as the client's ApiError so the page shows the server's own message.
 */
import createClient from "openapi-fetch";
import { ApiError } from "../api/client";
import type { paths } from "../api/schema";
import type { Wire } from "../api/types";
import { toSearch, type QualityFilters } from "./filters";
import type { AgreementReport, AuditReport, GoldReport } from "./report";

export type QualityKind = "agreement" | "gold" | "audit";

interface Reports {
  agreement: AgreementReport;
  gold: GoldReport;
  audit: AuditReport;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let raw: unknown = null;
  try {
    raw = await response.json();
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  if (raw !== null && typeof raw === "object" && "error" in raw && "message" in raw) {
    return new ApiError(response.status, raw as Wire["ErrorBody"]);
  }
  return new ApiError(response.status, { error: String(response.status), message: `The server answered ${response.status}` });
}

export function createQualityApi(options: { baseUrl?: string; fetch?: (input: Request) => Promise<Response> } = {}) {
  const base = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((r: Request) => fetch(r));
  const client = createClient<paths>({ credentials: "same-origin", ...options });

  async function report<K extends QualityKind>(pid: number, kind: K, filters: QualityFilters, signal?: AbortSignal): Promise<Reports[K]> {
    const query = toSearch(filters).toString();
    const url = `${base}/api/projects/${pid}/quality/${kind}${query ? `?${query}` : ""}`;
    let response: Response;
    try {
      response = await doFetch(new Request(url, { credentials: "same-origin", signal, headers: { Accept: "application/json" } }));
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError(0, { error: "offline", message: "Cannot reach the server" });
    }
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as Reports[K];
  }

  return {
    agreement: (pid: number, f: QualityFilters, signal?: AbortSignal) => report(pid, "agreement", f, signal),
    gold: (pid: number, f: QualityFilters, signal?: AbortSignal) => report(pid, "gold", f, signal),
    audit: (pid: number, f: QualityFilters, signal?: AbortSignal) => report(pid, "audit", f, signal),
    /** usernames of the project's members (every role may read them) */
    members: async (pid: number): Promise<string[]> => {
      const { data, error, response } = await client.GET("/api/projects/{project_id}/members", {
        params: { path: { project_id: pid } },
      });
      if (!response.ok || !data) throw await errorFrom(response.bodyUsed ? new Response(JSON.stringify(error), { status: response.status }) : response);
      return data.map((m) => m.username);
    },
  };
}

export type QualityApi = ReturnType<typeof createQualityApi>;

export const qualityApi = createQualityApi();
