/**
 * Import and export for the Import / Export page: the formats that fit a project (through
 * the generated client), the export URL a download link points at, and the upload of an
 * import file with progress.
 *
 * The upload goes over XMLHttpRequest because `fetch` reports no upload progress; its
 * path, query and answer are still typed by the generated schema (a path the server does
 * not have, or a query it does not take, does not compile), and error replies become the
 * same ApiError every other call throws.
 */
import createClient from "openapi-fetch";
import { ApiError, errorBody, unauthorized, unwrap, UNAUTHORIZED_EVENT } from "./client";
import type { paths } from "./schema";
import type { Wire } from "./types";

export type ProjectFormats = Wire["ProjectFormats"];
export type ExportChoice = Wire["ExportChoice"];
export type ImportChoice = Wire["ImportChoice"];
export type ImportResult = Wire["ImportResult"];

const EXPORT_PATH = "/api/projects/{project_id}/export" satisfies keyof paths;
const IMPORT_PATH = "/api/projects/{project_id}/import/{name}" satisfies keyof paths;

type ImportOperation = paths[typeof IMPORT_PATH]["put"]["parameters"];
export type ImportQuery = NonNullable<ImportOperation["query"]>;
export type ErrorMode = NonNullable<ImportQuery["errors"]>;
type ExportOperation = paths[typeof EXPORT_PATH]["get"]["parameters"];

/** `template` with each `{name}` replaced by its (encoded) parameter. */
function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`no value for {${key}} in ${template}`);
    return encodeURIComponent(String(value));
  });
}

function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

/**
 * The download URL of the project in `format` with these options (as `optionQuery` gives
 * them): the server validates every option with the format's own model, so this only
 * places them.
 */
export function exportHref(projectId: number, format: string, options: Readonly<Record<string, string>> = {}): string {
  const path: ExportOperation["path"] = { project_id: projectId };
  // `format` first: the URL reads as what it is, then how
  const { format: _ignored, ...rest } = options;
  return withQuery(fill(EXPORT_PATH, path), { format, ...rest });
}

/** The URL the raw bytes of `fileName` are PUT to; no `format` means "detect it". */
export function importHref(projectId: number, fileName: string, query: ImportQuery): string {
  const path: ImportOperation["path"] = { project_id: projectId, name: fileName };
  const q: Record<string, string> = {};
  if (query.format) q.format = query.format;
  if (query.errors) q.errors = query.errors;
  return withQuery(fill(IMPORT_PATH, path), q);
}

/** What an upload is doing: sending the bytes (with how many), or waiting for the report. */
export type UploadPhase = { phase: "sending"; loaded: number; total: number } | { phase: "importing" };

/** The few members of XMLHttpRequest the upload uses (tests give a fake). */
export interface UploadRequest {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((e: ProgressEvent) => void) | null; onload: ((e: ProgressEvent) => void) | null };
  onload: ((e: ProgressEvent) => void) | null;
  onerror: ((e: ProgressEvent) => void) | null;
  onabort: ((e: ProgressEvent) => void) | null;
}

export interface UploadOptions {
  projectId: number;
  file: Blob & { name: string };
  query: ImportQuery;
  onProgress?: (p: UploadPhase) => void;
  signal?: AbortSignal;
  /** the request to use (default: a new XMLHttpRequest) */
  request?: () => UploadRequest;
  baseUrl?: string;
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** Upload `file` to the project's import; resolves to the import's report, or rejects with
 * the ApiError of the reply (a 422 of errors=fail lists every bad record). */
export function uploadImport(o: UploadOptions): Promise<ImportResult> {
  return new Promise<ImportResult>((resolve, reject) => {
    const xhr = o.request ? o.request() : (new XMLHttpRequest() as unknown as UploadRequest);
    const total = o.file.size;
    xhr.open("PUT", `${o.baseUrl ?? ""}${importHref(o.projectId, o.file.name, o.query)}`);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => o.onProgress?.({ phase: "sending", loaded: e.loaded, total: e.lengthComputable ? e.total : total });
    // every byte is sent: the server now reads the file, which can take a while
    xhr.upload.onload = () => o.onProgress?.({ phase: "importing" });
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as ImportResult);
        return;
      }
      if (xhr.status === 401 && typeof window !== "undefined") window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
      reject(new ApiError(xhr.status, errorBody(xhr.status, body)));
    };
    xhr.onerror = () => reject(new ApiError(0, { error: "offline", message: "Cannot reach the server" }));
    xhr.onabort = () => reject(new ApiError(0, { error: "aborted", message: "The upload was cancelled" }));
    if (o.signal) {
      if (o.signal.aborted) {
        reject(new ApiError(0, { error: "aborted", message: "The upload was cancelled" }));
        return;
      }
      o.signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    o.onProgress?.({ phase: "sending", loaded: 0, total });
    xhr.send(o.file);
  });
}

export function createTransferApi(options: { baseUrl?: string; fetch?: (input: Request) => Promise<Response> } = {}) {
  const client = createClient<paths>({ credentials: "same-origin", ...options });
  client.use(unauthorized);
  return {
    /** The exports (lossless first, each with what it would lose) and imports of a project. */
    formats: (pid: number): Promise<ProjectFormats> =>
      unwrap<ProjectFormats>(client.GET("/api/projects/{project_id}/formats", { params: { path: { project_id: pid } } })),
  };
}

export const transferApi = createTransferApi();
