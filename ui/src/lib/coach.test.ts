import { describe, expect, it } from "vitest";
import type { Analysis } from "./bindings";
import { answerKind, facts, scale, seconds } from "./coach";

describe("scale", () => {
  it("places and clamps", () => {
    expect(scale(145, 100, 200)).toBe(45);
    expect(scale(50, 100, 200)).toBe(0);
    expect(scale(300, 100, 200)).toBe(100);
  });
});

describe("facts", () => {
  it("says what was measured, with plurals", () => {
    const a = {
      pace: { words: 150, speaking_ms: 60_000, wpm: 150.2, band_min: 130, band_max: 160, verdict: "in_band" },
      pauses: [{ start_ms: 1, end_ms: 3000 }],
      fillers: { at_least: 3, per_minute: 3, hits: [], by_phrase: [] },
      hedges: { at_least: 2, per_minute: 2, hits: [], by_phrase: [["i think", 2]] },
      voice: { sentences: 5, i_sentences: 3, we_sentences: 1 },
    } as unknown as Analysis;
    expect(facts(a)).toEqual([
      "150 words per minute over 60 s of speaking (comfortable: 130–160)",
      "1 pause over 2 s",
      "at least 3 fillers (3.0 per minute)",
      "2 hedges: “i think” ×2",
      "3 of 5 sentences say “I”, 1 say “we”",
    ]);
  });
});

describe("settings helpers", () => {
  it("maps question kinds and formats seconds", () => {
    expect(["behavioral", "technical", "coding", "quiz"].map((k) => answerKind(k as never))).toEqual(["behavioral", "technical", "coding", "technical"]);
    expect(seconds(2000)).toBe("2 s");
    expect(seconds(2500)).toBe("2.5 s");
  });
  it("names the pause threshold in use", () => {
    const a = { pace: { speaking_ms: 1000, wpm: 1, band_min: 130, band_max: 160 }, pauses: [], fillers: { at_least: 0, per_minute: 0 }, hedges: { at_least: 0 }, voice: null } as unknown as Analysis;
    expect(facts(a, 3000)[1]).toBe("0 pauses over 3 s");
  });
});
