/**
 * The one door to the server. Every call goes through `request`, which turns an error reply
 * (`{"error", "message", "violations"?}`) into an ApiError the pages can show as it is.
 */
import { toDoc } from "../domain/annotation";
import type {
  AnnotationState,
  Item,
  ItemPage,
  MediaInfo,
  OntologyVersion,
  Project,
  ProjectSummary,
  SaveRequest,
  User,
  Violation,
  Waveform,
} from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    const message =
      typeof body.message === "string"
        ? body.message
        : typeof body.detail === "string"
          ? body.detail
          : `The server answered ${status}`;
    super(message);
    this.status = status;
    this.code = typeof body.error === "string" ? body.error : String(status);
    this.body = body;
  }

  get violations(): Violation[] {
    const v = this.body.violations;
    return Array.isArray(v) ? (v as Violation[]) : [];
  }
}

/** Fired on any 401 so the app can send the user to the login page. */
export const UNAUTHORIZED_EVENT = "ontolabel:unauthorized";

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { error: "offline", message: "Cannot reach the server" });
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  if (!res.ok) {
    if (res.status === 401 && path !== "/auth/login") window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(res.status, (parsed ?? {}) as Record<string, unknown>);
  }
  return parsed as T;
}

type Raw = Record<string, unknown>;

/** An item reply: the content (`ItemContent`) plus one displayable URL per media file. */
function toItem(raw: Raw): Item {
  const content = (raw.content ?? raw) as Raw;
  const urls = Array.isArray(raw.media_urls) ? (raw.media_urls as string[]) : [];
  const media = ((content.media ?? raw.media ?? []) as MediaInfo[]).map((m, i) => ({
    ...m,
    display_url: m.display_url ?? urls[i] ?? null,
  }));
  return {
    id: raw.id as number,
    project_id: raw.project_id as number,
    external_id: (raw.external_id as string | null) ?? null,
    modality: (content.modality ?? raw.modality) as Item["modality"],
    text: (content.text as string | null) ?? null,
    media,
    meta: (content.meta ?? raw.meta ?? {}) as Record<string, unknown>,
  };
}

function toAnnotation(raw: Raw): AnnotationState {
  return {
    revision: (raw.revision as number) ?? 0,
    status: (raw.status as AnnotationState["status"]) ?? "draft",
    document: toDoc(raw.document),
    updated_at: (raw.updated_at as string | null) ?? null,
  };
}

export function mediaUrl(m: MediaInfo, display = false): string {
  if (display && m.display_url) return m.display_url;
  if (!display && m.url) return m.url;
  return `/api/media/${m.sha256}${display ? "?display=1" : ""}`;
}

export function exportUrl(projectId: number, format: string): string {
  return `/api/projects/${projectId}/export?format=${encodeURIComponent(format)}`;
}

export const api = {
  login: (username: string, password: string) =>
    request<User>("POST", "/auth/login", { username, password }),
  logout: () => request<unknown>("POST", "/auth/logout"),
  me: () => request<User>("GET", "/auth/me"),
  projects: async (): Promise<ProjectSummary[]> => {
    const r = await request<ProjectSummary[] | { projects: ProjectSummary[] }>("GET", "/projects");
    return Array.isArray(r) ? r : r.projects;
  },
  project: (pid: number) => request<Project>("GET", `/projects/${pid}`),
  ontology: (pid: number) => request<OntologyVersion>("GET", `/projects/${pid}/ontology`),
  items: (pid: number, after: number | null, limit = 100) =>
    request<ItemPage>(
      "GET",
      `/projects/${pid}/items?limit=${limit}${after === null ? "" : `&after=${after}`}`,
    ),
  /** The next item the caller has not submitted, or null when the queue is done. */
  next: async (pid: number, after?: number): Promise<{ id: number } | null> => {
    try {
      return await request<{ id: number }>("GET", `/projects/${pid}/next${after === undefined ? "" : `?after=${after}`}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  item: async (iid: number) => toItem(await request<Raw>("GET", `/items/${iid}`)),
  annotation: async (iid: number) => toAnnotation(await request<Raw>("GET", `/items/${iid}/annotation`)),
  saveAnnotation: async (iid: number, body: SaveRequest) =>
    toAnnotation(await request<Raw>("PUT", `/items/${iid}/annotation`, body)),
  waveform: (iid: number) => request<Waveform>("GET", `/items/${iid}/waveform`),
};

/** The server's current state carried by a 409 reply, if it sent one. */
export function conflictCurrent(e: ApiError): AnnotationState | null {
  const cur = e.body.current;
  return cur && typeof cur === "object" ? toAnnotation(cur as Raw) : null;
}
