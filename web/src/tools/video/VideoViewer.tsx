/**
 * Video: the HTML5 player with the exact frame index (0-based, from the stream's frame
 * rate), frame stepping (← →) and the list of what the annotation holds. Track editing
 * comes with the video editor.
 */
import { useEffect, useRef, useState } from "react";
import { mediaUrl } from "../../api/client";
import { useHotkeys } from "../../state/useHotkeys";
import type { EditorProps } from "../editorProps";

/** "30000/1001" or "25" -> frames per second. */
export function parseRate(rate: string | null | undefined): number | null {
  if (!rate) return null;
  const [n, d] = rate.split("/").map(Number);
  const v = d ? n / d : n;
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** Frame shown at time t: the half-frame epsilon absorbs the player's rounding of currentTime. */
export function frameAt(t: number, fps: number): number {
  return Math.max(0, Math.floor(t * fps + 1e-3));
}

export function VideoViewer({ item, s }: EditorProps) {
  const media = item.media.find((m) => m.modality === "video") ?? item.media[0];
  const ref = useRef<HTMLVideoElement>(null);
  const fps = parseRate(media?.frame_rate) ?? 25;
  const [frame, setFrame] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    let handle = 0;
    const tick = () => {
      setFrame(frameAt(v.currentTime, fps));
      handle = v.requestVideoFrameCallback ? v.requestVideoFrameCallback(tick) : requestAnimationFrame(tick);
    };
    tick();
    return () => {
      if (v.cancelVideoFrameCallback) v.cancelVideoFrameCallback(handle);
      cancelAnimationFrame(handle);
    };
  }, [fps]);

  const step = (n: number) => {
    const v = ref.current;
    if (!v) return;
    v.pause();
    // aim at the middle of the target frame so rounding never lands on its neighbour
    v.currentTime = Math.max(0, (frame + n + 0.5) / fps);
  };
  useHotkeys({ arrowleft: () => step(-1), arrowright: () => step(1), space: () => (ref.current?.paused ? void ref.current.play() : ref.current?.pause()) });

  return (
    <div className="editor video-viewer">
      <div className="text-main">
        {media ? (
          <video ref={ref} className="video" src={mediaUrl(media)} controls preload="auto" aria-label="Video" onError={() => setError("The browser cannot play this video")} />
        ) : (
          <p className="muted">This item has no video.</p>
        )}
        {error && <div className="banner banner-error" role="alert">{error}</div>}
        <div className="player-bar">
          <button type="button" className="btn" onClick={() => step(-1)} aria-label="Previous frame">◀ Frame</button>
          <span className="mono" aria-label="Frame index">
            frame {frame}
            {media?.frame_count ? ` / ${media.frame_count - 1}` : ""}
          </span>
          <button type="button" className="btn" onClick={() => step(1)} aria-label="Next frame">Frame ▶</button>
          <span className="muted">
            {media?.name} · {media?.width}×{media?.height} · {media?.frame_rate ?? `${fps}`} fps
          </span>
        </div>
      </div>
      <aside className="sidebar" aria-label="Labels">
        <section className="panel">
          <h3 className="panel-title">
            Objects <span className="count">{s.doc.objects.length}</span>
          </h3>
          <p className="muted">Track editing comes with the video editor; objects already labelled are listed here.</p>
          <ul className="object-list">
            {s.doc.objects.map((o) => (
              <li key={o.id}>
                <span className="object-class">{o.class_name}</span>
                <span className="object-desc">{o.geometry.kind}{o.track_id ? ` · track ${o.track_id}` : ""}</span>
              </li>
            ))}
          </ul>
        </section>
      </aside>
    </div>
  );
}
