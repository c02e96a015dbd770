/**
 * The one door to the server: openapi-fetch typed by the schema generated from the
 * server's OpenAPI document, so a path, parameter or body the server does not have is a
 * compile error. Every call goes through `unwrap`, which turns an error reply
 * (`{"error", "message", "violations"?}`) into an ApiError the pages can show as it is.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { Readable } from "openapi-typescript-helpers";
import type { AnnotationDoc } from "../domain/annotation";
import { isBox, isInterval, isPolygon, isSpan, type Geometry, type Point } from "../domain/geometry";
import type { paths } from "./schema";
import type {
  AnnotationState,
  ErrorBody,
  Item,
  ItemPage,
  ItemSummary,
  MediaInfo,
  OntologyVersion,
  Project,
  ProjectSummary,
  SaveRequest,
  User,
  Violation,
  Waveform,
  Wire,
} from "./types";

/** What a 409 on saving carries besides the error: the stored state and the refused body. */
type ConflictExtras = Partial<Pick<Wire["SaveConflictBody"], "current" | "yours">>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ErrorBody & ConflictExtras;

  constructor(status: number, body: ErrorBody & ConflictExtras) {
    super(body.message);
    this.status = status;
    this.code = body.error;
    this.body = body;
  }

  get violations(): Violation[] {
    return this.body.violations ?? [];
  }
}

/** Fired on any 401 (but a failed login) so the app can send the user to the login page. */
export const UNAUTHORIZED_EVENT = "ontolabel:unauthorized";

export const unauthorized: Middleware = {
  onResponse({ request, response }) {
    const login = new URL(request.url).pathname === "/api/auth/login";
    if (response.status === 401 && !login && typeof window !== "undefined") {
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    return undefined;
  },
};

/** An error reply as the server documents it; anything else (a proxy's page) as a message. */
export function errorBody(status: number, raw: unknown): ErrorBody & ConflictExtras {
  if (raw !== null && typeof raw === "object" && "error" in raw && "message" in raw) {
    return raw as ErrorBody & ConflictExtras;
  }
  const text = typeof raw === "string" && raw ? raw.slice(0, 200) : `The server answered ${status}`;
  return { error: String(status), message: text };
}

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * The answer's data, typed by the schema `D` of the path's answer. openapi-fetch types it
 * as `Readable<D>`, which (0.17) also widens tuples such as a polygon's `[x, y]` to
 * `number[]`; the JSON is exactly what the schema says (it marks nothing read- or
 * write-only), so the schema's own type is the faithful one. Naming a `D` other than the
 * path's answer does not compile.
 */
export async function unwrap<D>(pending: Promise<Answer<Readable<D>>>): Promise<D> {
  let answer: Answer<Readable<D>>;
  try {
    answer = await pending;
  } catch {
    throw new ApiError(0, { error: "offline", message: "Cannot reach the server" });
  }
  if (!answer.response.ok) throw new ApiError(answer.response.status, errorBody(answer.response.status, answer.error));
  // data is undefined only for an empty (204) answer, whose `D` is `undefined`
  return answer.data as D;
}

type WireGeometry = Wire["AnnotationObject"]["geometry"];

const point = ([x, y]: Point): [number, number] => [x, y];

/** The editors' geometry as the wire type: what they draw is checked field by field. */
function toWireGeometry(g: Geometry): WireGeometry {
  if (isPolygon(g)) {
    return {
      kind: "polygon",
      parts: g.parts.map((p) => ({ exterior: p.exterior.map(point), holes: p.holes.map((h) => h.map(point)) })),
    };
  }
  if (isBox(g) || isSpan(g) || isInterval(g)) return { ...g };
  if (g.kind === "tag") return { kind: "tag" };
  // kinds no editor draws yet (rotated boxes, masks, tracks, cuboids) came from the server
  // in its own shape and go back unchanged
  return g as unknown as WireGeometry;
}

export function toWireDocument(doc: AnnotationDoc): Wire["Annotation"] {
  return {
    objects: doc.objects.map((o) => ({
      ...o,
      media_index: o.media_index ?? 0,
      attributes: { ...o.attributes },
      geometry: toWireGeometry(o.geometry),
    })),
    relations: doc.relations.map((r) => ({ ...r, attributes: { ...r.attributes } })),
  };
}

export function fromWireDocument(doc: Wire["Annotation"]): AnnotationDoc {
  return {
    objects: (doc.objects ?? []).map((o) => ({ ...o, attributes: o.attributes ?? {} })),
    relations: (doc.relations ?? []).map((r) => ({ ...r, attributes: r.attributes ?? {} })),
  };
}

function toState(state: Wire["AnnotationState"]): AnnotationState {
  return { ...state, document: fromWireDocument(state.document) };
}

/** An item reply as the editors use it: content flattened, one displayable URL per media. */
export function toItem(body: Wire["ItemBody"]): Item {
  const { content } = body;
  return {
    id: body.id,
    project_id: body.project_id,
    external_id: body.external_id,
    modality: content.modality,
    text: content.text ?? null,
    meta: content.meta ?? {},
    media: (content.media ?? []).map((m, i) => ({
      ...m,
      display_url: body.media_urls[i] ?? `/api/media/${m.sha256}`,
    })),
  };
}

export function mediaUrl(m: MediaInfo, display = false): string {
  return display ? m.display_url : `/api/media/${m.sha256}`;
}

/** The API over `fetch` (tests pass their own; the page uses the browser's, same origin). */
export function createApi(options: { baseUrl?: string; fetch?: (input: Request) => Promise<Response> } = {}) {
  const client = createClient<paths>({ credentials: "same-origin", ...options });
  client.use(unauthorized);
  const item = (item_id: number) => ({ params: { path: { item_id } } });
  const project = (project_id: number) => ({ params: { path: { project_id } } });
  return {
    login: (username: string, password: string): Promise<User> =>
      unwrap<User>(client.POST("/api/auth/login", { body: { username, password } })),
    logout: async (): Promise<void> => {
      await unwrap<undefined>(client.POST("/api/auth/logout"));
    },
    me: (): Promise<User> => unwrap<User>(client.GET("/api/auth/me")),
    projects: (): Promise<ProjectSummary[]> => unwrap<ProjectSummary[]>(client.GET("/api/projects")),
    project: (pid: number): Promise<Project> => unwrap<Project>(client.GET("/api/projects/{project_id}", project(pid))),
    ontology: (pid: number): Promise<OntologyVersion> =>
      unwrap<OntologyVersion>(client.GET("/api/projects/{project_id}/ontology", project(pid))),
    items: (pid: number, after: number | null, limit = 100): Promise<ItemPage> =>
      unwrap<ItemPage>(
        client.GET("/api/projects/{project_id}/items", {
          params: { path: { project_id: pid }, query: { limit, after } },
        }),
      ),
    /** The next item the caller has not submitted, or null when the queue is done. */
    next: async (pid: number, after?: number): Promise<ItemSummary | null> => {
      try {
        return await unwrap<ItemSummary>(
          client.GET("/api/projects/{project_id}/next", { params: { path: { project_id: pid }, query: { after } } }),
        );
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    item: async (iid: number): Promise<Item> => toItem(await unwrap<Wire["ItemBody"]>(client.GET("/api/items/{item_id}", item(iid)))),
    annotation: async (iid: number): Promise<AnnotationState> =>
      toState(await unwrap<Wire["AnnotationState"]>(client.GET("/api/items/{item_id}/annotation", item(iid)))),
    saveAnnotation: async (iid: number, body: SaveRequest): Promise<AnnotationState> =>
      toState(
        await unwrap<Wire["AnnotationState"]>(
          client.PUT("/api/items/{item_id}/annotation", {
            ...item(iid),
            body: { ...body, document: toWireDocument(body.document) },
          }),
        ),
      ),
    waveform: (iid: number): Promise<Waveform> => unwrap<Waveform>(client.GET("/api/items/{item_id}/waveform", item(iid))),
  };
}

export const api = createApi();

/** The server's current state carried by a 409 reply, if it sent one. */
export function conflictCurrent(e: ApiError): AnnotationState | null {
  return e.body.current ? toState(e.body.current) : null;
}
