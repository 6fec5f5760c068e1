import { describe, expect, it } from "vitest";
import type { ProgressPoint } from "./bindings";
import { series } from "./progress";

const point = (started_ms: number, wpm: number, star: number | null): ProgressPoint => ({
  attempt_id: started_ms,
  question_id: "q",
  started_ms,
  wpm,
  fillers_per_min: 2.345,
  pauses: 1,
  star_covered: star,
  duration_ms: 61_400,
});

describe("series", () => {
  it("rounds the figures and shades the pace band", () => {
    const s = series([point(1_000, 141.6, 3), point(2_000, 150.2, 4)]);
    expect(s.map((x) => x.key)).toEqual(["wpm", "fillers", "star", "length"]);
    expect(s[0]).toMatchObject({ x: [1, 2], y: [142, 150], band: [130, 160] });
    expect(s[1].y).toEqual([2.3, 2.3]);
    expect(s[2].y).toEqual([3, 4]);
    expect(s[3].y).toEqual([61, 61]);
    expect(s[0].range(190, 210)).toEqual([120, 220]);
    expect(s[2].range(1, 3)).toEqual([0, 4]);
    expect(s[1].range(0, 2.3)).toEqual([0, 3]);
  });
  it("leaves STAR out when no answer was behavioral", () => {
    expect(series([point(1_000, 120, null)]).map((x) => x.key)).toEqual(["wpm", "fillers", "length"]);
  });
});
