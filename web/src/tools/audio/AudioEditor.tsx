/**
 * Audio: the waveform (wavesurfer.js) with the annotation's intervals as regions. Dragging
 * on the waveform adds an interval of the active class; regions can be moved and resized;
 * the selected interval's transcript, speaker and attributes are edited in the sidebar.
 * Space plays/pauses.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import WaveSurfer from "wavesurfer.js";
import RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import { api, mediaUrl } from "../../api/client";
import { ClassPicker } from "../../components/ClassPicker";
import { DocumentTags } from "../../components/DocumentTags";
import { ObjectInspector } from "../../components/ObjectInspector";
import { ObjectList } from "../../components/ObjectList";
import { addObject, findObject, nextId, removeObject, setAttribute, updateObject, type AnnotationObject } from "../../domain/annotation";
import { isInterval, type Interval } from "../../domain/geometry";
import { classColor, classesFor, defaultAttributes, findClass } from "../../domain/ontology";
import { useHotkeys } from "../../state/useHotkeys";
import type { Waveform } from "../../api/types";
import type { EditorProps } from "../editorProps";

/** keys the audio editor uses itself */
const AUDIO_KEYS = ["n", " "];

function clock(t: number): string {
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  return `${m}:${s.toFixed(2).padStart(5, "0")}`;
}

function describe(o: AnnotationObject): string {
  const g = o.geometry;
  return isInterval(g) ? `${clock(g.start)}–${clock(g.end)}${g.speaker ? ` · ${g.speaker}` : ""}` : g.kind;
}

/** The server's (min, max) per bucket as one channel of peak magnitudes for wavesurfer. */
export function toPeaks(w: Waveform): number[][] | null {
  if (!Array.isArray(w.peaks) || w.peaks.length === 0) return null;
  return [w.peaks.map(([lo, hi]) => Math.max(Math.abs(lo), Math.abs(hi)))];
}

export function AudioEditor({ item, ontology, s }: EditorProps) {
  const media = item.media.find((m) => m.modality === "audio") ?? item.media[0];
  const waveRef = useRef<HTMLDivElement>(null);
  const wsRef = useRef<WaveSurfer | null>(null);
  const regionsRef = useRef<ReturnType<typeof RegionsPlugin.create> | null>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [activeClass, setActiveClass] = useState<string | null>(null);
  const classes = useMemo(() => classesFor(ontology, "audio", ["interval"]), [ontology]);
  const tagClasses = useMemo(() => classesFor(ontology, "audio", ["tag"]), [ontology]);
  const current = activeClass && classes.some((c) => c.name === activeClass) ? activeClass : (classes[0]?.name ?? null);
  const colorOf = useCallback((n: string) => classColor(ontology, n), [ontology]);
  const doc = s.doc;
  const intervals = useMemo(() => doc.objects.filter((o) => isInterval(o.geometry)), [doc]);
  const selected = findObject(doc, selectedId);

  // handlers read the latest state through refs: wavesurfer keeps the first closures
  const latest = useRef({ doc, current, s });
  const ontologyRef = useRef(ontology);
  ontologyRef.current = ontology;
  latest.current = { doc, current, s };

  useEffect(() => {
    if (!waveRef.current || !media) return;
    let ws: WaveSurfer | null = null;
    let live = true;
    const url = mediaUrl(media);
    const start = (peaks: number[][] | null, duration: number | null) => {
      if (!live || !waveRef.current) return;
      const regions = RegionsPlugin.create();
      ws = WaveSurfer.create({
        container: waveRef.current,
        height: 160,
        waveColor: "#94a3b8",
        progressColor: "#4f46e5",
        normalize: true,
        cursorColor: "#111827",
        url,
        peaks: peaks ?? undefined,
        duration: peaks ? (duration ?? media.duration ?? undefined) : undefined,
        plugins: [regions],
      });
      wsRef.current = ws;
      regionsRef.current = regions;
      regions.enableDragSelection({ color: "rgba(79,70,229,0.2)" });
      regions.on("region-created", (r) => {
        const { doc: d, current: cls, s: sess } = latest.current;
        if (d.objects.some((o) => o.id === r.id)) return;
        r.remove();
        if (!cls || r.end - r.start < 0.05) return;
        const id = nextId(d);
        const g: Interval = { kind: "interval", start: round3(r.start), end: round3(r.end) };
        sess.edit(addObject(d, { id, class_name: cls, geometry: g, attributes: defaultAttributes(findClass(ontologyRef.current, cls)) }));
        setSelectedId(id);
      });
      regions.on("region-updated", (r) => {
        const { doc: d, s: sess } = latest.current;
        sess.edit(
          updateObject(d, r.id, (o) => ({ ...o, geometry: { ...(o.geometry as Interval), start: round3(r.start), end: round3(r.end) } })),
        );
      });
      regions.on("region-clicked", (r, e) => {
        e.stopPropagation();
        setSelectedId(r.id);
      });
      // a click selects the shortest interval under it (regions let clicks through)
      ws.on("click", (relativeX) => {
        const { doc: d } = latest.current;
        const t = relativeX * (ws?.getDuration() ?? 0);
        const under = d.objects
          .filter((o) => isInterval(o.geometry) && o.geometry.start <= t && t < o.geometry.end)
          .sort((a, b) => span(a) - span(b));
        setSelectedId(under[0]?.id ?? null);
      });
      ws.on("ready", () => setReady(true));
      ws.on("error", (e) => setError(String(e)));
      ws.on("timeupdate", (t) => setTime(t));
      ws.on("play", () => setPlaying(true));
      ws.on("pause", () => setPlaying(false));
    };
    api.waveform(item.id).then(
      (w) => start(toPeaks(w), w.duration),
      () => start(null, null),
    );
    return () => {
      live = false;
      ws?.destroy();
      wsRef.current = null;
      regionsRef.current = null;
    };
  }, [media, item.id]);

  // regions mirror the document's intervals
  useEffect(() => {
    const regions = regionsRef.current;
    if (!regions || !ready) return;
    regions.clearRegions();
    for (const o of intervals) {
      const g = o.geometry as Interval;
      const color = colorOf(o.class_name);
      const region = regions.addRegion({
        id: o.id,
        start: g.start,
        end: g.end,
        color: `${color}${o.id === selectedId ? "55" : "2a"}`,
        content: g.speaker ? `${o.class_name} · ${g.speaker}` : o.class_name,
        // only the selected interval moves: a drag anywhere else draws a new one, also
        // over existing intervals (a sentiment inside a speaker turn)
        drag: o.id === selectedId,
        resize: o.id === selectedId,
      });
      // the others let the pointer through to the waveform (clicks select by time, below)
      if (o.id !== selectedId && region.element) region.element.style.pointerEvents = "none";
    }
  }, [intervals, ready, selectedId, colorOf]);

  useHotkeys({
    space: () => wsRef.current?.playPause(),
    delete: () => selectedId && (s.edit(removeObject(doc, selectedId)), setSelectedId(null)),
  });

  const updateInterval = (patch: Partial<Interval>) =>
    selected && s.edit(updateObject(doc, selected.id, (o) => ({ ...o, geometry: { ...(o.geometry as Interval), ...patch } })));

  return (
    <div className="editor audio-editor">
      <div className="text-main">
        <div className="player-bar">
          <button type="button" className="btn btn-primary" onClick={() => wsRef.current?.playPause()} disabled={!ready} aria-label={playing ? "Pause" : "Play"}>
            {playing ? "❚❚ Pause" : "▶ Play"}
          </button>
          <span className="mono" aria-label="Current time">
            {clock(time)} / {clock(media?.duration ?? wsRef.current?.getDuration() ?? 0)}
          </span>
          <span className="muted">{media?.name} · drag on the waveform to add an interval of <b>{current ?? "—"}</b></span>
        </div>
        {!ready && !error && <div className="overlay-inline"><span className="spinner" /> Loading audio…</div>}
        {error && <div className="banner banner-error" role="alert">Cannot play this audio: {error}</div>}
        <div ref={waveRef} className="waveform" aria-label="Waveform" data-testid="waveform" />
        <DocumentTags classes={tagClasses} doc={doc} edit={s.edit} selectedId={selectedId} onSelect={setSelectedId} label="Recording" />
      </div>
      <aside className="sidebar" aria-label="Labels">
        <ClassPicker
          classes={classes}
          active={selected ? selected.class_name : current}
          reserved={AUDIO_KEYS}
          onPick={(n) => {
            setActiveClass(n);
            if (selected) s.edit(updateObject(doc, selected.id, (o) => ({ ...o, class_name: n })));
          }}
          label={selected ? "Class of selection" : "Class for new intervals"}
        />
        {selected && isInterval(selected.geometry) && (
          <section className="panel" aria-label="Interval">
            <h3 className="panel-title">Interval</h3>
            <div className="field">
              <label className="field-label" htmlFor="iv-speaker">Speaker</label>
              <input id="iv-speaker" className="input" value={selected.geometry.speaker ?? ""} onChange={(e) => updateInterval({ speaker: e.target.value || null })} />
            </div>
            <div className="field">
              <label className="field-label" htmlFor="iv-transcript">Transcript</label>
              <textarea id="iv-transcript" className="input" rows={3} value={selected.geometry.transcript ?? ""} onChange={(e) => updateInterval({ transcript: e.target.value || null })} />
            </div>
          </section>
        )}
        {selected && (
          <ObjectInspector ontology={ontology} object={selected} serverErrors={{}} onAttribute={(n, v) => s.edit(setAttribute(doc, selected.id, n, v))} />
        )}
        <ObjectList
          title="Intervals"
          objects={intervals}
          selectedId={selectedId}
          colorOf={colorOf}
          describe={describe}
          onSelect={(id) => {
            setSelectedId(id);
            const g = findObject(doc, id)?.geometry;
            if (g && isInterval(g)) wsRef.current?.setTime(g.start);
          }}
          onDelete={(id) => {
            s.edit(removeObject(doc, id));
            if (selectedId === id) setSelectedId(null);
          }}
        />
      </aside>
    </div>
  );
}

function span(o: AnnotationObject): number {
  const g = o.geometry as Interval;
  return g.end - g.start;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
