/**
 * The image editor: tools (select, box, polygon), the class tree, the object list and the
 * attribute form of the selected object around the Konva canvas.
 * Hotkeys: v select, b box, p polygon, Del delete, f fit, Esc deselect, 1–9 classes.
 */
import { useCallback, useMemo, useState } from "react";
import { mediaUrl } from "../../api/client";
import { ClassPicker } from "../../components/ClassPicker";
import { Icon } from "../../components/Icon";
import { ObjectInspector, violationsFor } from "../../components/ObjectInspector";
import { ObjectList } from "../../components/ObjectList";
import {
  addObject,
  findObject,
  nextId,
  removeObject,
  setAttribute,
  updateObject,
  type AnnotationObject,
} from "../../domain/annotation";
import { boxHeight, boxWidth, isBox, isPolygon, polygonArea, type Box, type Geometry, type Polygon } from "../../domain/geometry";
import { allowsKind, classColor, classesFor, defaultAttributes, findClass } from "../../domain/ontology";
import { useHotkeys } from "../../state/useHotkeys";
import type { EditorProps } from "../editorProps";
import { ImageCanvas, type ImageTool } from "./ImageCanvas";
import { useHtmlImage } from "./useHtmlImage";

/** keys the image editor uses itself (classes whose ontology hotkey clashes get a digit) */
const IMAGE_KEYS = ["v", "b", "p", "f", "n"];

const TOOLS: { tool: ImageTool; label: string; key: string }[] = [
  { tool: "select", label: "Select", key: "V" },
  { tool: "box", label: "Box", key: "B" },
  { tool: "polygon", label: "Polygon", key: "P" },
];

function describe(o: AnnotationObject): string {
  const g = o.geometry;
  if (isBox(g)) return `${Math.round(boxWidth(g))}×${Math.round(boxHeight(g))} px`;
  if (isPolygon(g)) return `${g.parts[0]?.exterior.length ?? 0} pts · ${Math.round(polygonArea(g))} px²`;
  return g.kind;
}

export function ImageEditor({ item, ontology, s }: EditorProps) {
  const media = item.media.find((m) => m.modality === "image") ?? item.media[0];
  const mediaIndex = Math.max(0, item.media.indexOf(media));
  const load = useHtmlImage(media ? mediaUrl(media, true) : null);
  const img = load.state === "ready" ? load.img : null;
  const size = {
    width: media?.width ?? img?.naturalWidth ?? 0,
    height: media?.height ?? img?.naturalHeight ?? 0,
  };

  const [tool, setTool] = useState<ImageTool>("box");
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [fitSignal, setFitSignal] = useState(0);
  const kinds = tool === "polygon" ? ["polygon"] : tool === "box" ? ["box"] : ["box", "polygon"];
  const drawable = useMemo(() => classesFor(ontology, "image", ["box", "polygon"]), [ontology]);
  const forTool = useMemo(() => classesFor(ontology, "image", kinds), [ontology, kinds.join()]);
  const [activeClass, setActiveClass] = useState<string | null>(null);
  const current = activeClass && forTool.some((c) => c.name === activeClass) ? activeClass : (forTool[0]?.name ?? null);

  const doc = s.doc;
  const objects = useMemo(
    () => doc.objects.filter((o) => (o.media_index ?? 0) === mediaIndex && (isBox(o.geometry) || isPolygon(o.geometry))),
    [doc, mediaIndex],
  );
  const selected = findObject(doc, selectedId);
  const colorOf = useCallback((name: string) => classColor(ontology, name), [ontology]);

  const onCreate = (g: Box | Polygon) => {
    if (!current) return;
    const id = nextId(doc);
    const attributes = defaultAttributes(findClass(ontology, current));
    s.edit(addObject(doc, { id, class_name: current, geometry: g, attributes, media_index: mediaIndex }));
    setSelectedId(id);
  };
  const onChange = (id: string, g: Geometry) => s.edit(updateObject(doc, id, (o) => ({ ...o, geometry: g })));
  const onDelete = (id: string) => {
    s.edit(removeObject(doc, id));
    if (selectedId === id) setSelectedId(null);
  };
  const onPickClass = (name: string) => {
    setActiveClass(name);
    if (selected) {
      const cls = findClass(ontology, name);
      if (cls && allowsKind(cls, "image", selected.geometry.kind)) {
        s.edit(updateObject(doc, selected.id, (o) => ({ ...o, class_name: name })));
      }
    }
  };

  useHotkeys({
    v: () => setTool("select"),
    b: () => setTool("box"),
    p: () => setTool("polygon"),
    delete: () => selectedId && onDelete(selectedId),
    backspace: () => tool === "select" && selectedId && onDelete(selectedId),
    f: () => setFitSignal((n) => n + 1),
    escape: () => setSelectedId(null),
  });

  const pickerClasses = selected ? drawable.filter((c) => allowsKind(c, "image", selected.geometry.kind)) : forTool;
  const serverErrors =
    selected && s.saveState.kind === "invalid" ? violationsFor(doc, selected.id, s.saveState.violations) : {};

  return (
    <div className="editor image-editor">
      <div className="toolbar" role="toolbar" aria-label="Image tools">
        {TOOLS.map((t) => (
          <button
            key={t.tool}
            type="button"
            className={`tool${tool === t.tool ? " active" : ""}`}
            aria-pressed={tool === t.tool}
            aria-label={`${t.label} tool`}
            title={`${t.label} (${t.key})`}
            onClick={() => setTool(t.tool)}
          >
            <Icon name={t.tool} />
            <kbd>{t.key}</kbd>
          </button>
        ))}
        <span className="toolbar-sep" />
        <button type="button" className="tool" aria-label="Fit image" title="Fit (F)" onClick={() => setFitSignal((n) => n + 1)}>
          <Icon name="fit" />
          <kbd>F</kbd>
        </button>
      </div>
      <div className="stage-area">
        {load.state === "loading" && <div className="overlay-msg"><span className="spinner" /> Loading image…</div>}
        {load.state === "error" && <div className="overlay-msg error">{load.message}</div>}
        <ImageCanvas
          image={img}
          size={size}
          objects={objects}
          colorOf={colorOf}
          tool={tool}
          selectedId={selectedId}
          onSelect={(id) => {
            setSelectedId(id);
          }}
          onCreate={onCreate}
          onChange={onChange}
          hidden={hidden}
          fitSignal={fitSignal}
        />
        <div className="stage-footer">
          {media?.name} · {size.width}×{size.height} px · wheel to zoom, space-drag or middle button to pan
        </div>
      </div>
      <aside className="sidebar" aria-label="Labels">
        <ClassPicker
          classes={pickerClasses}
          active={selected ? selected.class_name : current}
          reserved={IMAGE_KEYS}
          onPick={onPickClass}
          label={selected ? "Class of selection" : "Class for new shapes"}
        />
        {selected && (
          <ObjectInspector
            ontology={ontology}
            object={selected}
            serverErrors={serverErrors}
            onAttribute={(name, value) => s.edit(setAttribute(doc, selected.id, name, value))}
          />
        )}
        <ObjectList
          objects={objects}
          selectedId={selectedId}
          colorOf={colorOf}
          describe={describe}
          onSelect={(id) => {
            setSelectedId(id);
            setTool("select");
          }}
          onDelete={onDelete}
          hidden={hidden}
          onToggleHidden={(id) =>
            setHidden((h) => {
              const n = new Set(h);
              if (n.has(id)) n.delete(id);
              else n.add(id);
              return n;
            })
          }
        />
      </aside>
    </div>
  );
}
