/**
 * The text editor. The stored text is rendered exactly (white-space: pre-wrap keeps CRLF,
 * tabs and runs of spaces). Selecting text with the mouse labels it with the active class;
 * offsets are measured from the DOM in UTF-16 units and converted to code points before they
 * enter the document. Overlapping spans are stacked underlines; relations link a source
 * span to a target span; document classes are toggles above the text.
 * Hotkeys: 1–9 classes, r relation from the selected span, Del delete, Esc cancel.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import { ClassPicker } from "../../components/ClassPicker";
import { DocumentTags } from "../../components/DocumentTags";
import { ObjectInspector, violationsFor } from "../../components/ObjectInspector";
import { ObjectList } from "../../components/ObjectList";
import {
  addObject,
  addRelation,
  findObject,
  nextId,
  removeObject,
  removeRelation,
  setAttribute,
  updateObject,
  type AnnotationObject,
} from "../../domain/annotation";
import { isSpan, type Span } from "../../domain/geometry";
import { classColor, classesFor, defaultAttributes, findClass, relationsBetween } from "../../domain/ontology";
import { codepointToUtf16, spanFromUtf16, trimSpan } from "../../domain/text";
import { useHotkeys } from "../../state/useHotkeys";
import type { EditorProps } from "../editorProps";
import { assignLevels, segments } from "./layout";

/** keys the text editor uses itself */
const TEXT_KEYS = ["r", "n"];

const LINE_GAP = 4; // px between stacked underlines

/** UTF-16 offset of a DOM position from the start of the container's text. */
function offsetIn(container: HTMLElement, node: Node, offset: number): number | null {
  if (!container.contains(node)) return null;
  const r = document.createRange();
  r.setStart(container, 0);
  r.setEnd(node, offset);
  return r.toString().length;
}

function describe(o: AnnotationObject): string {
  const g = o.geometry;
  if (isSpan(g)) return `“${g.text.length > 28 ? `${g.text.slice(0, 27)}…` : g.text}” [${g.start}, ${g.end})`;
  return g.kind;
}

export function TextEditor({ item, ontology, s }: EditorProps) {
  const text = item.text ?? "";
  const doc = s.doc;
  const textRef = useRef<HTMLDivElement>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [linkFrom, setLinkFrom] = useState<string | null>(null);
  const [activeClass, setActiveClass] = useState<string | null>(null);
  // why the last attempted link was not made (no relation of the ontology fits the pair)
  const [linkRefusal, setLinkRefusal] = useState<string | null>(null);

  const spanClasses = useMemo(() => classesFor(ontology, "text", ["span"]), [ontology]);
  const tagClasses = useMemo(() => classesFor(ontology, "text", ["tag"]), [ontology]);
  const current =
    activeClass && spanClasses.some((c) => c.name === activeClass) ? activeClass : (spanClasses[0]?.name ?? null);
  const colorOf = useCallback((n: string) => classColor(ontology, n), [ontology]);

  const spans = useMemo(() => doc.objects.filter((o) => isSpan(o.geometry)), [doc]);
  const refs = useMemo(
    () => spans.map((o) => ({ id: o.id, start: (o.geometry as Span).start, end: (o.geometry as Span).end })),
    [spans],
  );
  const levels = useMemo(() => assignLevels(refs), [refs]);
  const segs = useMemo(() => segments(text, refs), [text, refs]);
  const maxLevel = Math.max(0, ...levels.values());
  // where each span ends in UTF-16 units: its label chip goes after that segment
  const endUnits = useMemo(() => new Map(refs.map((r) => [r.id, codepointToUtf16(text, r.end)])), [refs, text]);
  const byId = useMemo(() => new Map(spans.map((o) => [o.id, o])), [spans]);
  const selected = findObject(doc, selectedId);

  const linkTo = (target: string) => {
    const src = byId.get(linkFrom ?? "");
    const dst = byId.get(target);
    setLinkFrom(null);
    if (!src || !dst || src.id === dst.id) return;
    const options = relationsBetween(ontology, src.class_name, dst.class_name);
    const name = options[0]?.name;
    if (!name) {
      // offering a relation the ontology forbids would only get the draft refused on save
      setLinkRefusal(`No relation of the ontology goes from ${src.class_name} to ${dst.class_name}.`);
      return;
    }
    setLinkRefusal(null);
    s.edit(addRelation(doc, { id: nextId(doc, "r"), name, source: src.id, target: dst.id, attributes: {} }));
  };

  const onMouseUp = () => {
    const sel = window.getSelection();
    const box = textRef.current;
    if (!sel || !box || sel.rangeCount === 0 || sel.isCollapsed) return;
    const a = offsetIn(box, sel.anchorNode!, sel.anchorOffset);
    const b = offsetIn(box, sel.focusNode!, sel.focusOffset);
    if (a === null || b === null || !current) return;
    const raw = spanFromUtf16(text, a, b);
    const span = raw && trimSpan(text, raw);
    sel.removeAllRanges();
    if (!span) return;
    const dup = spans.find((o) => {
      const g = o.geometry as Span;
      return g.start === span.start && g.end === span.end && o.class_name === current;
    });
    if (dup) {
      setSelectedId(dup.id);
      return;
    }
    const id = nextId(doc);
    const attributes = defaultAttributes(findClass(ontology, current));
    s.edit(addObject(doc, { id, class_name: current, geometry: { kind: "span", ...span }, attributes }));
    setSelectedId(id);
  };

  const onSegmentClick = (covering: readonly string[]) => {
    if (covering.length === 0) return;
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed) return; // a drag, handled by mouseup
    // the innermost (shortest) span under the click; clicking again cycles outwards
    const ordered = [...covering].sort((x, y) => {
      const gx = byId.get(x)!.geometry as Span;
      const gy = byId.get(y)!.geometry as Span;
      return gx.end - gx.start - (gy.end - gy.start);
    });
    const at = selectedId ? ordered.indexOf(selectedId) : -1;
    const pick = ordered[(at + 1) % ordered.length];
    if (linkFrom) linkTo(pick);
    else setSelectedId(pick);
  };

  const onDelete = (id: string) => {
    s.edit(removeObject(doc, id));
    if (selectedId === id) setSelectedId(null);
  };

  const onPickClass = (name: string) => {
    setActiveClass(name);
    if (selected && isSpan(selected.geometry)) {
      s.edit(updateObject(doc, selected.id, (o) => ({ ...o, class_name: name })));
    }
  };

  useHotkeys({
    delete: () => selectedId && onDelete(selectedId),
    backspace: () => selectedId && onDelete(selectedId),
    escape: () => {
      setLinkFrom(null);
      setSelectedId(null);
    },
    r: () => selected && isSpan(selected.geometry) && ontology.relations.length > 0 && setLinkFrom(selected.id),
  });

  const serverErrors =
    selected && s.saveState.kind === "invalid" ? violationsFor(doc, selected.id, s.saveState.violations) : {};

  return (
    <div className="editor text-editor">
      <div className="text-main">
        <DocumentTags classes={tagClasses} doc={doc} edit={s.edit} selectedId={selectedId} onSelect={setSelectedId} />
        {linkRefusal && !linkFrom && (
          <div className="banner banner-warn" role="alert">
            {linkRefusal}{" "}
            <button type="button" onClick={() => setLinkRefusal(null)}>
              Dismiss
            </button>
          </div>
        )}
        {linkFrom && (
          <div className="banner banner-info" role="status">
            Relation from “{(byId.get(linkFrom)?.geometry as Span | undefined)?.text}”: click the target span (Esc to cancel).
          </div>
        )}
        <div
          ref={textRef}
          className={`doc-text${linkFrom ? " linking" : ""}`}
          aria-label="Document text"
          data-testid="doc-text"
          onMouseUp={onMouseUp}
          style={{ lineHeight: `${1.9 + maxLevel * 0.28}em` }}
        >
          {segs.map((seg) => {
            const chunk = text.slice(seg.from, seg.to);
            if (seg.covering.length === 0) return <span key={seg.from}>{chunk}</span>;
            const lines = seg.covering.map((id) => {
              const o = byId.get(id)!;
              const lvl = levels.get(id) ?? 0;
              return { color: colorOf(o.class_name), lvl };
            });
            const isSel = selectedId !== null && seg.covering.includes(selectedId);
            const selColor = isSel ? colorOf(byId.get(selectedId!)!.class_name) : null;
            const ends = seg.covering.filter((id) => endUnits.get(id) === seg.to);
            return (
              <span key={seg.from}>
                <span
                  className={`mark${isSel ? " mark-selected" : ""}`}
                  data-spans={seg.covering.join(" ")}
                  onClick={() => onSegmentClick(seg.covering)}
                  style={{
                    backgroundImage: [
                      ...(selColor ? [`linear-gradient(${selColor}2e, ${selColor}2e)`] : []),
                      ...lines.map((l) => `linear-gradient(${l.color}, ${l.color})`),
                    ].join(", "),
                    backgroundSize: [...(selColor ? ["100% 100%"] : []), ...lines.map(() => "100% 2.5px")].join(", "),
                    backgroundPosition: [
                      ...(selColor ? ["0 0"] : []),
                      ...lines.map((l) => `0 calc(100% - ${l.lvl * LINE_GAP}px)`),
                    ].join(", "),
                    backgroundRepeat: "no-repeat",
                    paddingBottom: `${maxLevel * LINE_GAP + 2}px`,
                  }}
                >
                  {chunk}
                </span>
                {ends.map((id) => (
                  <span
                    key={id}
                    className="span-tag"
                    data-label={byId.get(id)!.class_name}
                    style={{ background: colorOf(byId.get(id)!.class_name) }}
                    onClick={() => (linkFrom ? linkTo(id) : setSelectedId(id))}
                  />
                ))}
              </span>
            );
          })}
        </div>
        <p className="stage-footer">
          {Array.from(text).length} characters · select text to label it with <b>{current ?? "—"}</b> · click a label to select it
          {ontology.relations.length > 0 ? " · r links the selected span to another" : ""}
        </p>
      </div>
      <aside className="sidebar" aria-label="Labels">
        <ClassPicker
          classes={spanClasses}
          active={selected && isSpan(selected.geometry) ? selected.class_name : current}
          reserved={TEXT_KEYS}
          onPick={onPickClass}
          label={selected ? "Class of selection" : "Class for new spans"}
        />
        {selected && (
          <ObjectInspector
            ontology={ontology}
            object={selected}
            serverErrors={serverErrors}
            onAttribute={(name, value) => s.edit(setAttribute(doc, selected.id, name, value))}
          />
        )}
        {selected && isSpan(selected.geometry) && ontology.relations.length > 0 && (
          <button type="button" className="btn btn-block" onClick={() => setLinkFrom(selected.id)}>
            Add relation from this span (R)
          </button>
        )}
        <ObjectList
          title="Spans"
          objects={spans}
          selectedId={selectedId}
          colorOf={colorOf}
          describe={describe}
          onSelect={setSelectedId}
          onDelete={onDelete}
        />
        {(doc.relations.length > 0 || ontology.relations.length > 0) && (
          <section className="panel" aria-label="Relations">
            <h3 className="panel-title">
              Relations <span className="count">{doc.relations.length}</span>
            </h3>
            {doc.relations.length === 0 && <p className="muted">Select a span and press R to link it.</p>}
            <ul className="object-list">
              {doc.relations.map((r) => {
                const src = byId.get(r.source);
                const dst = byId.get(r.target);
                const options = src && dst ? relationsBetween(ontology, src.class_name, dst.class_name) : [];
                const names = options.some((o) => o.name === r.name) ? options.map((o) => o.name) : [r.name, ...options.map((o) => o.name)];
                return (
                  <li key={r.id}>
                    <span className="rel-ends">
                      {(src?.geometry as Span | undefined)?.text ?? r.source} → {(dst?.geometry as Span | undefined)?.text ?? r.target}
                    </span>
                    <select
                      className="input input-sm"
                      aria-label={`Relation type ${r.id}`}
                      value={r.name}
                      onChange={(e) =>
                        s.edit({
                          ...doc,
                          relations: doc.relations.map((x) => (x.id === r.id ? { ...x, name: e.target.value } : x)),
                        })
                      }
                    >
                      {names.map((n) => (
                        <option key={n}>{n}</option>
                      ))}
                    </select>
                    <button
                      type="button"
                      className="btn btn-icon btn-ghost"
                      aria-label={`Delete relation ${r.id}`}
                      onClick={() => s.edit(removeRelation(doc, r.id))}
                    >
                      ✕
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        )}
      </aside>
    </div>
  );
}
