// The series the progress charts draw, from the coached attempts' figures.
import type { ProgressPoint } from "./bindings";

export interface Series {
  key: "wpm" | "fillers" | "star" | "length";
  label: string;
  unit: string;
  /** Seconds since the epoch (uPlot's x axis), and the values. */
  x: number[];
  y: (number | null)[];
  /** A band to shade, when there is a target. */
  band?: [number, number];
  /** The y range to show: it always includes zero or the band. */
  range: (min: number, max: number) => [number, number];
}

const fromZero = (_min: number, max: number): [number, number] => [0, Math.max(1, Math.ceil(max * 1.2))];

/** The four charts: pace, fillers, STAR coverage (behavioral only) and length. */
export function series(points: ProgressPoint[]): Series[] {
  const x = points.map((p) => p.started_ms / 1000);
  const out: Series[] = [
    {
      key: "wpm",
      label: "Pace",
      unit: "wpm",
      x,
      y: points.map((p) => Math.round(p.wpm)),
      band: [130, 160],
      range: (min, max) => [Math.min(min, 130) - 10, Math.max(max, 160) + 10],
    },
    { key: "fillers", label: "Fillers", unit: "per min", x, y: points.map((p) => Math.round(p.fillers_per_min * 10) / 10), range: fromZero },
    { key: "length", label: "Length", unit: "s", x, y: points.map((p) => Math.round(p.duration_ms / 1000)), range: fromZero },
  ];
  if (points.some((p) => p.star_covered !== null)) {
    out.splice(2, 0, { key: "star", label: "STAR parts", unit: "of 4", x, y: points.map((p) => p.star_covered), range: () => [0, 4] });
  }
  return out;
}
