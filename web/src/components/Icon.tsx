/** Small line icons as inline SVG (no icon font: they must render on any machine). */
const PATHS: Record<string, string> = {
  select: "M5 3l14 8-6 1.5L10 19z",
  box: "M4 6h16v12H4z",
  polygon: "M12 3l8 6-3 10H7L4 9z",
  fit: "M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5",
  image: "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4",
  text: "M5 6h14M5 10h14M5 14h10M5 18h12",
  audio: "M4 12h2M8 8v8M12 5v14M16 9v6M20 11v2",
  video: "M4 6h12v12H4zM16 10l4-3v10l-4-3",
  pointcloud: "M6 7h.01M10 5h.01M14 8h.01M18 6h.01M8 12h.01M12 11h.01M16 13h.01M6 17h.01M11 16h.01M15 18h.01M19 15h.01",
  undo: "M9 14L4 9l5-5M4 9h11a5 5 0 010 10h-3",
  redo: "M15 14l5-5-5-5M20 9H9a5 5 0 000 10h3",
};

export function Icon({ name, size = 18 }: { name: keyof typeof PATHS | string; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={name === "pointcloud" ? 3 : 1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name] ?? PATHS.box} />
    </svg>
  );
}
