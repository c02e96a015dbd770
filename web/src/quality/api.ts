/**
 * The quality endpoints and the project's members, for the Quality page, through the client
 * generated from the server's OpenAPI document. Each answer is typed by the server's schema
 * and handed on as the UI's report type (quality/report.ts): if the server's shape stops
 * satisfying what the page reads, this file stops compiling.
 */
import createClient from "openapi-fetch";
import { unauthorized, unwrap } from "../api/client";
import type { paths } from "../api/schema";
import type { Wire } from "../api/types";
import { toQuery, type QualityFilters } from "./filters";
import type { AgreementReport, AuditReport, GoldReport } from "./report";

export function createQualityApi(options: { baseUrl?: string; fetch?: (input: Request) => Promise<Response> } = {}) {
  const client = createClient<paths>({ credentials: "same-origin", ...options });
  client.use(unauthorized);
  const scoped = (project_id: number, f: QualityFilters, signal?: AbortSignal) => ({
    params: { path: { project_id }, query: toQuery(f) },
    signal,
  });
  return {
    agreement: (pid: number, f: QualityFilters, signal?: AbortSignal): Promise<AgreementReport> =>
      unwrap<Wire["AgreementReportBody"]>(client.GET("/api/projects/{project_id}/quality/agreement", scoped(pid, f, signal))),
    gold: (pid: number, f: QualityFilters, signal?: AbortSignal): Promise<GoldReport> =>
      unwrap<Wire["GoldReportBody"]>(client.GET("/api/projects/{project_id}/quality/gold", scoped(pid, f, signal))),
    audit: (pid: number, f: QualityFilters, signal?: AbortSignal): Promise<AuditReport> =>
      unwrap<Wire["AuditReportBody"]>(client.GET("/api/projects/{project_id}/quality/audit", scoped(pid, f, signal))),
    /** usernames of the project's members (every role may read them) */
    members: async (pid: number): Promise<string[]> => {
      const members = await unwrap<Wire["MemberInfo"][]>(
        client.GET("/api/projects/{project_id}/members", { params: { path: { project_id: pid } } }),
      );
      return members.map((m) => m.username);
    },
  };
}

export type QualityApi = ReturnType<typeof createQualityApi>;

export const qualityApi = createQualityApi();
