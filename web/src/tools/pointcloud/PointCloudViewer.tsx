/**
 * Point clouds: a bird's-eye view of the points (coloured by height, wheel to zoom, drag to
 * pan) with the camera images of the item beside it, and any cuboids of the annotation drawn
 * as footprints. The points come from the media file itself (.npy, .pcd or KITTI .bin).
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { mediaUrl } from "../../api/client";
import type { MediaInfo } from "../../api/types";
import { parsePointCloud, type PointCloud } from "../../domain/npy";
import { classColor } from "../../domain/ontology";
import type { EditorProps } from "../editorProps";
import { PointCloud3D } from "./PointCloud3D";
import { bounds, fitTopDown, heightColor, project, type TopDownView } from "./topdown";

interface Cuboid {
  kind: "cuboid";
  x: number;
  y: number;
  length: number;
  width: number;
  yaw?: number;
}

export function PointCloudViewer({ item, ontology, s }: EditorProps) {
  const cloudMedia = item.media.find((m) => m.modality === "pointcloud");
  const cameras = item.media.filter((m) => m.modality === "image");
  const [cloud, setCloud] = useState<PointCloud | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(0);
  const [view, setView] = useState<"top" | "3d">("top");

  useEffect(() => {
    if (!cloudMedia) return;
    let live = true;
    (async () => {
      const res = await fetch(mediaUrl(cloudMedia), { credentials: "same-origin" });
      if (!res.ok || !res.body) throw new Error(`The server answered ${res.status}`);
      const total = Number(res.headers.get("content-length") ?? cloudMedia.size ?? 0);
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let got = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
        if (live && total) setProgress(got / total);
      }
      const buf = new Uint8Array(got);
      let at = 0;
      for (const c of chunks) {
        buf.set(c, at);
        at += c.length;
      }
      return parsePointCloud(buf.buffer, cloudMedia.name);
    })().then(
      (pc) => {
        if (!live) return;
        setCloud(pc);
        setProgress(null);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [cloudMedia]);

  const cuboids = s.doc.objects.filter((o) => o.geometry.kind === "cuboid");

  return (
    <div className="editor pc-viewer">
      <div className="pc-main">
        <div className="pc-pane">
          <div className="pane-title">
            <div className="segmented" role="tablist" aria-label="Point cloud view">
              <button type="button" role="tab" aria-selected={view === "top"} onClick={() => setView("top")}>
                Bird's-eye
              </button>
              <button type="button" role="tab" aria-selected={view === "3d"} onClick={() => setView("3d")}>
                3D
              </button>
            </div>
            {cloud ? (
              <span className="muted">
                {cloud.count.toLocaleString()} points{view === "top" ? " · forward ↑ · left ←" : " · drag to orbit, wheel to zoom"}
              </span>
            ) : null}
          </div>
          {error && <div className="banner banner-error" role="alert">Cannot read the point cloud: {error}</div>}
          {!cloud && !error && (
            <div className="overlay-inline" role="progressbar" aria-label="Loading point cloud" aria-valuenow={Math.round((progress ?? 0) * 100)}>
              <span className="spinner" /> Loading point cloud… {progress ? `${Math.round(progress * 100)}%` : ""}
            </div>
          )}
          {cloud && view === "3d" && <PointCloud3D cloud={cloud} />}
          {cloud && view === "top" && (
            <TopDownCanvas cloud={cloud} cuboids={cuboids.map((o) => ({ g: o.geometry as unknown as Cuboid, color: classColor(ontology, o.class_name) }))} />
          )}
        </div>
        {cameras.length > 0 && (
          <div className="pc-cameras">
            {cameras.map((m: MediaInfo) => (
              <figure key={m.sha256} className="camera">
                <img src={mediaUrl(m, true)} alt={`Camera image ${m.name}`} />
                <figcaption>{m.name}{m.width ? ` · ${m.width}×${m.height}` : ""}</figcaption>
              </figure>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

function TopDownCanvas({ cloud, cuboids }: { cloud: PointCloud; cuboids: { g: Cuboid; color: string }[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const b = useMemo(() => bounds(cloud.xyz), [cloud]);
  const [size, setSize] = useState({ width: 600, height: 500 });
  const [view, setView] = useState<TopDownView | null>(null);
  const drag = useRef<[number, number] | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => setView(fitTopDown(b, size.width, size.height)), [b, size]);

  useEffect(() => {
    const c = ref.current;
    if (!c || !view) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = size.width * dpr;
    c.height = size.height * dpr;
    const ctx = c.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#0b1020";
    ctx.fillRect(0, 0, size.width, size.height);
    const img = ctx.getImageData(0, 0, c.width, c.height);
    const data = img.data;
    const zr = Math.max(1e-6, b.maxZ - b.minZ);
    const xyz = cloud.xyz;
    for (let i = 0; i + 2 < xyz.length; i += 3) {
      const [sx, sy] = project(view, xyz[i], xyz[i + 1]);
      const px = Math.round(sx * dpr);
      const py = Math.round(sy * dpr);
      if (px < 0 || py < 0 || px >= c.width || py >= c.height) continue;
      const [r, g, bl] = heightColor((xyz[i + 2] - b.minZ) / zr);
      const at = (py * c.width + px) * 4;
      data[at] = r;
      data[at + 1] = g;
      data[at + 2] = bl;
      data[at + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    // sensor origin and axes
    const [ox, oy] = project(view, 0, 0);
    ctx.strokeStyle = "#f8fafc";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(ox, oy);
    ctx.lineTo(ox, oy - 24);
    ctx.moveTo(ox, oy);
    ctx.lineTo(ox - 24, oy);
    ctx.stroke();
    ctx.fillStyle = "#f8fafc";
    ctx.font = "11px system-ui";
    ctx.fillText("x", ox + 3, oy - 20);
    ctx.fillText("y", ox - 24, oy - 4);
    for (const { g, color } of cuboids) {
      const yaw = g.yaw ?? 0;
      const [c0, s0] = [Math.cos(yaw), Math.sin(yaw)];
      const corners = [[1, 1], [1, -1], [-1, -1], [-1, 1]].map(([a, d]) => {
        const lx = (a * g.length) / 2;
        const ly = (d * g.width) / 2;
        return project(view, g.x + lx * c0 - ly * s0, g.y + lx * s0 + ly * c0);
      });
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      corners.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.closePath();
      ctx.stroke();
    }
  }, [cloud, view, size, b, cuboids]);

  return (
    <div ref={wrap} className="pc-canvas-wrap">
      <canvas
        ref={ref}
        style={{ width: size.width, height: size.height }}
        aria-label="Point cloud, top-down"
        role="img"
        onWheel={(e) => {
          if (!view) return;
          const r = e.currentTarget.getBoundingClientRect();
          const mx = e.clientX - r.left;
          const my = e.clientY - r.top;
          const f = Math.pow(1.1, -e.deltaY / 100);
          setView({ scale: view.scale * f, cx: mx - (mx - view.cx) * f, cy: my - (my - view.cy) * f });
        }}
        onMouseDown={(e) => (drag.current = [e.clientX, e.clientY])}
        onMouseMove={(e) => {
          if (!drag.current || !view) return;
          const [x0, y0] = drag.current;
          drag.current = [e.clientX, e.clientY];
          setView({ ...view, cx: view.cx + e.clientX - x0, cy: view.cy + e.clientY - y0 });
        }}
        onMouseUp={() => (drag.current = null)}
        onMouseLeave={() => (drag.current = null)}
      />
    </div>
  );
}
