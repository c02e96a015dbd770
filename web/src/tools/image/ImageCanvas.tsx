/**
 * The Konva canvas of the image editor. Geometry lives in displayed image pixels; the
 * viewport (zoom about the cursor with the wheel, pan with space-drag or the middle button)
 * only changes how it is drawn. Drawing: box (drag), polygon (click vertices, click the
 * first one, Enter or double-click to close). Editing: drag to move, transformer handles to
 * resize a box, drag polygon vertices (Alt-click removes one).
 */
import type Konva from "konva";
import type { KonvaEventObject } from "konva/lib/Node";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Circle, Group, Image as KImage, Layer, Line, Rect, Stage, Text, Transformer } from "react-konva";
import type { AnnotationObject } from "../../domain/annotation";
import {
  boxFromCorners,
  boxFromRect,
  isBox,
  isDegenerateBox,
  isPolygon,
  moveVertex,
  polygonFromPoints,
  removeVertex,
  translateBox,
  translatePolygon,
  type Box,
  type Geometry,
  type Point,
  type Polygon,
  type Size,
} from "../../domain/geometry";
import { fit, panBy, toImage, wheelFactor, zoomAbout, type Viewport } from "./viewport";

export type ImageTool = "select" | "box" | "polygon";

interface Props {
  image: HTMLImageElement | null;
  size: Size;
  objects: readonly AnnotationObject[];
  colorOf: (className: string) => string;
  tool: ImageTool;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  onCreate: (g: Box | Polygon) => void;
  onChange: (id: string, g: Geometry) => void;
  hidden: ReadonlySet<string>;
  fitSignal: number;
}

const CLOSE_RADIUS = 8; // screen pixels around the first vertex that close a polygon

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function roundPoint(p: Point): Point {
  return [round2(p[0]), round2(p[1])];
}

export function ImageCanvas(props: Props) {
  const { image, size, objects, colorOf, tool, selectedId, onSelect, onCreate, onChange, hidden } = props;
  const wrapRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const trRef = useRef<Konva.Transformer>(null);
  const [view, setView] = useState<Size>({ width: 800, height: 600 });
  const [vp, setVp] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const [spaceDown, setSpaceDown] = useState(false);
  const [panFrom, setPanFrom] = useState<Point | null>(null);
  const [boxStart, setBoxStart] = useState<Point | null>(null);
  const [cursor, setCursor] = useState<Point | null>(null);
  const [poly, setPoly] = useState<Point[]>([]);
  const [vertexDrag, setVertexDrag] = useState<{ id: string; v: number; to: Point } | null>(null);

  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    setView({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  // fit on a new image, on request, and on resizes until the user zooms or pans
  const userMoved = useRef(false);
  const fitted = useRef<string>("");
  useEffect(() => {
    const key = `${size.width}x${size.height}:${props.fitSignal}`;
    if (view.width <= 0) return;
    if (fitted.current !== key) userMoved.current = false;
    if (fitted.current !== key || !userMoved.current) {
      fitted.current = key;
      setVp(fit(size, view));
    }
  }, [size, view, props.fitSignal]);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.code === "Space" && !(t && ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) {
        e.preventDefault();
        setSpaceDown(true);
      }
      if (e.key === "Escape") {
        setPoly([]);
        setBoxStart(null);
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === "Space") setSpaceDown(false);
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);

  useEffect(() => {
    setPoly([]);
    setBoxStart(null);
  }, [tool]);

  const closePolygon = useCallback(() => {
    if (poly.length >= 3) onCreate(polygonFromPoints(poly.map(roundPoint), size));
    setPoly([]);
  }, [poly, onCreate, size]);

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (tool !== "polygon" || poly.length === 0) return;
      if (e.key === "Enter") {
        e.preventDefault();
        closePolygon();
      } else if (e.key === "Backspace") {
        e.preventDefault();
        setPoly((p) => p.slice(0, -1));
      }
    };
    window.addEventListener("keydown", key);
    return () => window.removeEventListener("keydown", key);
  }, [tool, poly, closePolygon]);

  // attach the transformer to the selected box
  useEffect(() => {
    const tr = trRef.current;
    const stage = stageRef.current;
    if (!tr || !stage) return;
    const sel = objects.find((o) => o.id === selectedId);
    const node = sel && isBox(sel.geometry) && tool === "select" ? stage.findOne(`#obj-${sel.id}`) : undefined;
    tr.nodes(node ? [node] : []);
    tr.getLayer()?.batchDraw();
  }, [selectedId, objects, tool]);

  const pointer = (): Point | null => {
    const p = stageRef.current?.getPointerPosition();
    return p ? [p.x, p.y] : null;
  };
  const imagePoint = (): Point | null => {
    const p = pointer();
    return p ? toImage(vp, p) : null;
  };

  const onWheel = (e: KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = pointer();
    if (!p) return;
    userMoved.current = true;
    setVp((v) => zoomAbout(v, p, wheelFactor(e.evt.deltaY)));
  };

  const panning = spaceDown || panFrom !== null;

  const onMouseDown = (e: KonvaEventObject<MouseEvent>) => {
    const p = pointer();
    if (!p) return;
    if (e.evt.button === 1 || (e.evt.button === 0 && spaceDown)) {
      e.evt.preventDefault();
      userMoved.current = true;
      setPanFrom(p);
      return;
    }
    if (e.evt.button !== 0) return;
    const ip = toImage(vp, p);
    if (tool === "box") {
      setBoxStart(ip);
      setCursor(ip);
    } else if (tool === "polygon") {
      if (poly.length >= 3) {
        const [fx, fy] = poly[0];
        const d = Math.hypot((fx - ip[0]) * vp.scale, (fy - ip[1]) * vp.scale);
        if (d <= CLOSE_RADIUS) {
          closePolygon();
          return;
        }
      }
      setPoly((pts) => [...pts, ip]);
    } else if (e.target === e.target.getStage() || e.target.name() === "background") {
      onSelect(null);
    }
  };

  const onMouseMove = () => {
    const p = pointer();
    if (!p) return;
    if (panFrom) {
      setVp((v) => panBy(v, p[0] - panFrom[0], p[1] - panFrom[1]));
      setPanFrom(p);
      return;
    }
    if (boxStart || (tool === "polygon" && poly.length > 0)) setCursor(toImage(vp, p));
  };

  const onMouseUp = () => {
    if (panFrom) {
      setPanFrom(null);
      return;
    }
    if (tool === "box" && boxStart) {
      const end = imagePoint() ?? boxStart;
      const b = boxFromCorners(roundPoint(boxStart), roundPoint(end), size);
      setBoxStart(null);
      if (!isDegenerateBox(b)) onCreate(b);
    }
  };

  // a double-click closes the polygon: its two clicks added the same vertex twice, so the
  // duplicate goes; two quick clicks far apart are two vertices, not a close
  const onDblClick = () => {
    if (tool !== "polygon" || poly.length < 2) return;
    const [ax, ay] = poly[poly.length - 2];
    const [bx, by] = poly[poly.length - 1];
    if (Math.hypot((ax - bx) * vp.scale, (ay - by) * vp.scale) > CLOSE_RADIUS) return;
    const pts = poly.slice(0, -1);
    if (pts.length >= 3) onCreate(polygonFromPoints(pts.map(roundPoint), size));
    setPoly([]);
  };

  const inv = 1 / vp.scale; // sizes that stay constant on screen
  const selectMode = tool === "select" && !panning;

  const shapes = useMemo(
    () => objects.filter((o) => !hidden.has(o.id) && (isBox(o.geometry) || isPolygon(o.geometry))),
    [objects, hidden],
  );

  const cursorStyle = panning ? (panFrom ? "grabbing" : "grab") : tool === "select" ? "default" : "crosshair";

  return (
    <div
      ref={wrapRef}
      className="canvas-wrap"
      style={{ cursor: cursorStyle }}
      onContextMenu={(e) => e.preventDefault()}
      data-testid="image-canvas"
      data-scale={vp.scale.toFixed(4)}
      data-offset={`${vp.x.toFixed(2)},${vp.y.toFixed(2)}`}
    >
      <Stage
        ref={stageRef}
        width={view.width}
        height={view.height}
        onWheel={onWheel}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseUp={onMouseUp}
        onDblClick={onDblClick}
      >
        {/* pixels stay crisp when zoomed in (a radiologist wants to see them, not a blur) */}
        <Layer x={vp.x} y={vp.y} scaleX={vp.scale} scaleY={vp.scale} imageSmoothingEnabled={vp.scale < 2}>
          <Rect name="background" x={0} y={0} width={size.width} height={size.height} fill="#111827" />
          {image && <KImage image={image} width={size.width} height={size.height} name="background" />}
          {shapes.map((o) => {
            const color = colorOf(o.class_name);
            const selected = o.id === selectedId;
            const common = {
              stroke: color,
              strokeWidth: selected ? 3 : 2,
              strokeScaleEnabled: false,
              listening: selectMode,
              onMouseDown: (e: KonvaEventObject<MouseEvent>) => {
                if (tool === "select" && e.evt.button === 0 && !spaceDown) onSelect(o.id);
              },
            };
            if (isBox(o.geometry)) {
              const b = o.geometry;
              return (
                <Group key={o.id}>
                  <Rect
                    id={`obj-${o.id}`}
                    x={b.x1}
                    y={b.y1}
                    width={b.x2 - b.x1}
                    height={b.y2 - b.y1}
                    fill={`${color}${selected ? "33" : "1f"}`}
                    draggable={selectMode && selected}
                    onDragEnd={(e) => {
                      const n = e.target;
                      onChange(o.id, translateBox(b, round2(n.x() - b.x1), round2(n.y() - b.y1), size));
                    }}
                    onTransformEnd={(e) => {
                      const n = e.target;
                      const w = n.width() * n.scaleX();
                      const h = n.height() * n.scaleY();
                      n.scaleX(1);
                      n.scaleY(1);
                      onChange(o.id, boxFromRect(round2(n.x()), round2(n.y()), round2(w), round2(h), size));
                    }}
                    {...common}
                  />
                  <ShapeLabel x={b.x1} y={b.y1} inv={inv} text={o.class_name} color={color} />
                </Group>
              );
            }
            const p = o.geometry as Polygon;
            const ring = p.parts[0]?.exterior ?? [];
            const shown =
              vertexDrag && vertexDrag.id === o.id
                ? ring.map((q, i) => (i === vertexDrag.v ? vertexDrag.to : q))
                : ring;
            return (
              <Group key={o.id}>
                {p.parts.map((part, pi) => (
                  <Line
                    key={pi}
                    id={pi === 0 ? `obj-${o.id}` : undefined}
                    points={(pi === 0 ? shown : part.exterior).flat()}
                    closed
                    fill={`${color}${selected ? "33" : "1f"}`}
                    draggable={selectMode && selected && pi === 0}
                    onDragEnd={(e) => {
                      const n = e.target;
                      const moved = translatePolygon(p, round2(n.x()), round2(n.y()), size);
                      n.position({ x: 0, y: 0 });
                      onChange(o.id, moved);
                    }}
                    {...common}
                  />
                ))}
                {ring[0] && <ShapeLabel x={ring[0][0]} y={ring[0][1]} inv={inv} text={o.class_name} color={color} />}
                {selected &&
                  tool === "select" &&
                  shown.map((q, vi) => (
                    <Circle
                      key={vi}
                      x={q[0]}
                      y={q[1]}
                      radius={5 * inv}
                      fill="#fff"
                      stroke={color}
                      strokeWidth={2}
                      strokeScaleEnabled={false}
                      draggable
                      name="vertex"
                      onMouseDown={(e) => {
                        e.cancelBubble = true;
                        if (e.evt.altKey) onChange(o.id, removeVertex(p, 0, vi));
                      }}
                      onDragMove={(e) => setVertexDrag({ id: o.id, v: vi, to: [e.target.x(), e.target.y()] })}
                      onDragEnd={(e) => {
                        setVertexDrag(null);
                        onChange(o.id, moveVertex(p, 0, vi, roundPoint([e.target.x(), e.target.y()]), size));
                      }}
                    />
                  ))}
              </Group>
            );
          })}
          {boxStart && cursor && (
            <Rect
              x={Math.min(boxStart[0], cursor[0])}
              y={Math.min(boxStart[1], cursor[1])}
              width={Math.abs(cursor[0] - boxStart[0])}
              height={Math.abs(cursor[1] - boxStart[1])}
              stroke="#facc15"
              strokeWidth={2}
              dash={[6, 4]}
              strokeScaleEnabled={false}
              listening={false}
            />
          )}
          {poly.length > 0 && (
            <>
              <Line
                points={[...poly, ...(cursor ? [cursor] : [])].flat()}
                stroke="#facc15"
                strokeWidth={2}
                strokeScaleEnabled={false}
                dash={[6, 4]}
                listening={false}
              />
              {poly.map((q, i) => (
                <Circle
                  key={i}
                  x={q[0]}
                  y={q[1]}
                  radius={(i === 0 ? 6 : 4) * inv}
                  fill={i === 0 ? "#facc15" : "#fff"}
                  stroke="#111"
                  strokeWidth={1}
                  strokeScaleEnabled={false}
                  listening={false}
                />
              ))}
            </>
          )}
          <Transformer
            ref={trRef}
            rotateEnabled={false}
            keepRatio={false}
            ignoreStroke
            flipEnabled={false}
            anchorSize={9}
            borderStroke="#facc15"
            anchorStroke="#111827"
            boundBoxFunc={(oldBox, newBox) => (newBox.width < 2 || newBox.height < 2 ? oldBox : newBox)}
          />
        </Layer>
      </Stage>
      <div className="canvas-hud" aria-hidden="true">
        {Math.round(vp.scale * 100)}%{tool === "polygon" && poly.length > 0 ? ` · ${poly.length} points — Enter to close, Esc to cancel` : ""}
      </div>
    </div>
  );
}

function ShapeLabel({ x, y, inv, text, color }: { x: number; y: number; inv: number; text: string; color: string }) {
  const fontSize = 12;
  const h = 16;
  return (
    <Group x={x} y={y} scaleX={inv} scaleY={inv} listening={false}>
      <Rect x={0} y={-h} width={text.length * 7 + 8} height={h} fill={color} cornerRadius={[3, 3, 0, 0]} />
      <Text x={4} y={-h + 2} text={text} fontSize={fontSize} fill="#fff" fontFamily="system-ui, sans-serif" />
    </Group>
  );
}
