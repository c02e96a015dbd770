import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, UNAUTHORIZED_EVENT } from "./client";
import { createTransferApi, exportHref, importHref, uploadImport, type UploadPhase, type UploadRequest } from "./transfer";
import type { Wire } from "./types";

describe("the export link", () => {
  it("names the format first, then the chosen options", () => {
    expect(exportHref(2, "coco", { status: "submitted", merge: "all" })).toBe("/api/projects/2/export?format=coco&status=submitted&merge=all");
  });

  it("is the bare format when every option is its default", () => {
    expect(exportHref(7, "jsonl")).toBe("/api/projects/7/export?format=jsonl");
  });

  it("encodes values, and an option called format cannot replace the format", () => {
    expect(exportHref(1, "labelstudio", { image_prefix: "/data/local-files/?d=images/", format: "x" })).toBe(
      "/api/projects/1/export?format=labelstudio&image_prefix=%2Fdata%2Flocal-files%2F%3Fd%3Dimages%2F",
    );
  });
});

describe("the import URL", () => {
  it("puts the file's name in the path, and leaves format out to detect it", () => {
    expect(importHref(3, "my labels.json", { errors: "collect" })).toBe("/api/projects/3/import/my%20labels.json?errors=collect");
    expect(importHref(3, "Köln.jsonl", { format: "jsonl", errors: "fail" })).toBe("/api/projects/3/import/K%C3%B6ln.jsonl?format=jsonl&errors=fail");
    expect(importHref(3, "a.zip", { format: null })).toBe("/api/projects/3/import/a.zip");
  });
});

/** A fake XMLHttpRequest: records what was sent; the test plays the network's part. */
class FakeRequest implements UploadRequest {
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: Blob | null = null;
  aborted = false;
  status = 0;
  responseText = "";
  upload: UploadRequest["upload"] = { onprogress: null, onload: null };
  onload: UploadRequest["onload"] = null;
  onerror: UploadRequest["onerror"] = null;
  onabort: UploadRequest["onabort"] = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: Blob) {
    this.body = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.({} as ProgressEvent);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  answer(status: number, body: unknown) {
    this.upload.onload?.({} as ProgressEvent);
    this.status = status;
    this.responseText = typeof body === "string" ? body : JSON.stringify(body);
    this.onload?.({} as ProgressEvent);
  }
}

const REPORT: Wire["ImportResult"] = {
  format: "coco",
  detected: { confidence: 0.95, reason: "images, annotations and categories" },
  imported: 2,
  skipped: 1,
  existing: 0,
  updated: 0,
  errors: [{ message: "a polygon needs 6 numbers", file: "l.json", line: null, item: "3", path: "annotations[1].segmentation" }],
};

function file(text: string, name: string): Blob & { name: string } {
  return Object.assign(new Blob([text]), { name });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("uploading an import", () => {
  it("PUTs the raw bytes, reports progress, then resolves to the report", async () => {
    const req = new FakeRequest();
    const phases: UploadPhase[] = [];
    const f = file("0123456789", "l.json");
    const pending = uploadImport({ projectId: 4, file: f, query: { errors: "collect" }, onProgress: (p) => phases.push(p), request: () => req });
    expect([req.method, req.url, req.headers["Content-Type"]]).toEqual(["PUT", "/api/projects/4/import/l.json?errors=collect", "application/octet-stream"]);
    expect(req.body).toBe(f);
    req.progress(4, 10);
    req.answer(200, REPORT);
    await expect(pending).resolves.toEqual(REPORT);
    expect(phases).toEqual([
      { phase: "sending", loaded: 0, total: 10 },
      { phase: "sending", loaded: 4, total: 10 },
      { phase: "importing" },
    ]);
  });

  it("rejects with the server's error and every violation (errors=fail)", async () => {
    const req = new FakeRequest();
    const pending = uploadImport({ projectId: 4, file: file("x", "bad.jsonl"), query: { format: "jsonl", errors: "fail" }, request: () => req });
    req.answer(422, {
      error: "format_error",
      message: "bad.jsonl: 1 problem, nothing was imported",
      violations: [{ message: "unknown class 'Robot'", file: "bad.jsonl", line: 4 }],
    });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).violations).toEqual([{ message: "unknown class 'Robot'", file: "bad.jsonl", line: 4 }]);
  });

  it("turns a reply that is not the API's (a proxy's page) into a message", async () => {
    const req = new FakeRequest();
    const pending = uploadImport({ projectId: 1, file: file("x", "a.json"), query: {}, request: () => req });
    req.answer(502, "<html>Bad gateway</html>");
    await expect(pending).rejects.toMatchObject({ status: 502, message: "<html>Bad gateway</html>" });
  });

  it("tells the app when the session is gone (401)", async () => {
    const target = new EventTarget();
    const heard = vi.fn();
    target.addEventListener(UNAUTHORIZED_EVENT, heard);
    vi.stubGlobal("window", target);
    const req = new FakeRequest();
    const pending = uploadImport({ projectId: 1, file: file("x", "a.json"), query: {}, request: () => req });
    req.answer(401, { error: "auth", message: "not logged in" });
    await expect(pending).rejects.toMatchObject({ status: 401 });
    expect(heard).toHaveBeenCalledOnce();
  });

  it("is cancelled by its signal, and says the network failed when it did", async () => {
    const req = new FakeRequest();
    const stop = new AbortController();
    const pending = uploadImport({ projectId: 1, file: file("x", "a.json"), query: {}, request: () => req, signal: stop.signal });
    stop.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    expect(req.aborted).toBe(true);
    const offline = new FakeRequest();
    const lost = uploadImport({ projectId: 1, file: file("x", "a.json"), query: {}, request: () => offline });
    offline.onerror?.({} as ProgressEvent);
    await expect(lost).rejects.toMatchObject({ status: 0, code: "offline" });
  });
});

describe("the project's formats", () => {
  it("are read from GET /api/projects/{id}/formats", async () => {
    const body: Wire["ProjectFormats"] = {
      project_id: 5,
      modality: "image",
      kinds: ["box", "polyline"],
      can_export: true,
      can_import: true,
      exports: [],
      imports: [{ name: "coco", title: "COCO", inputs: ["file"] }],
    };
    const urls: string[] = [];
    const api = createTransferApi({
      baseUrl: "http://ontolabel.test",
      fetch: async (req: Request) => {
        urls.push(req.url);
        return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
      },
    });
    await expect(api.formats(5)).resolves.toEqual(body);
    expect(urls).toEqual(["http://ontolabel.test/api/projects/5/formats"]);
  });
});
