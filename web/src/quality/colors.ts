/**
 * The Quality page's colour scales, as plain functions so the charts and the HTML matrix
 * agree: κ on a diverging scale (red below 0 = worse than chance, white at 0, the accent
 * towards 1), shares on a white-to-accent ramp, and the ink that reads on a cell.
 */

type Rgb = readonly [number, number, number];

const NEGATIVE: Rgb = [0xdc, 0x26, 0x26];
const ZERO: Rgb = [0xff, 0xff, 0xff];
const POSITIVE: Rgb = [0x4f, 0x46, 0xe5];
/** a cell with no value: the page's second surface colour */
export const NO_VALUE_COLOR = "#f1f3f9";

const hex = (c: Rgb): string => `#${c.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** κ in [-1, 1] (clamped) to a colour; null to the no-value grey. */
export function kappaColor(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NO_VALUE_COLOR;
  const v = Math.max(-1, Math.min(1, value));
  return hex(v < 0 ? mix(ZERO, NEGATIVE, -v) : mix(ZERO, POSITIVE, v));
}

/** A share in [0, 1] (clamped) on the white-to-accent ramp; null to the no-value grey. */
export function shareColor(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return NO_VALUE_COLOR;
  return hex(mix(ZERO, POSITIVE, Math.max(0, Math.min(1, share))));
}

/** Black or white text, whichever reads better on `background` (WCAG relative luminance). */
export function inkOn(background: string): "#000000" | "#ffffff" {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(background);
  if (!m) return "#000000";
  const lin = (s: string) => {
    const c = parseInt(s, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin(m[1]) + 0.7152 * lin(m[2]) + 0.0722 * lin(m[3]);
  // contrast with white (1.05 / (L + 0.05)) against contrast with black ((L + 0.05) / 0.05)
  return 1.05 / (L + 0.05) > (L + 0.05) / 0.05 ? "#ffffff" : "#000000";
}
