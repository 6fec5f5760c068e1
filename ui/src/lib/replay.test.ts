import { describe, expect, it } from "vitest";
import type { Transcript, Word } from "./bindings";
import { wordAt, wordsOf } from "./replay";

const w = (text: string, start_ms: number, end_ms: number): Word => ({ text, start_ms, end_ms, probability: 0.9 });
const words = [w("The", 100, 300), w("cache", 320, 700), w("was", 900, 1000), w("stale.", 1000, 1500)];

describe("wordAt", () => {
  it("lights the word being spoken and keeps it through a pause", () => {
    expect(wordAt(words, 0)).toBe(-1);
    expect(wordAt(words, 100)).toBe(0);
    expect(wordAt(words, 500)).toBe(1);
    expect(wordAt(words, 800)).toBe(1);
    expect(wordAt(words, 1000)).toBe(3);
    expect(wordAt(words, 99_999)).toBe(3);
    expect(wordAt([], 500)).toBe(-1);
  });
  it("advances monotonically as playback moves on", () => {
    let last = -1;
    for (let ms = 0; ms < 2000; ms += 37) {
      const i = wordAt(words, ms);
      expect(i).toBeGreaterThanOrEqual(last);
      last = i;
    }
    expect(last).toBe(3);
  });
});

describe("wordsOf", () => {
  it("flattens segments in order", () => {
    const t = { text: "", model: "m", segments: [{ start_ms: 0, end_ms: 700, text: "", words: words.slice(0, 2) }, { start_ms: 900, end_ms: 1500, text: "", words: words.slice(2) }] } as unknown as Transcript;
    expect(wordsOf(t).map((x) => x.text)).toEqual(["The", "cache", "was", "stale."]);
    expect(wordsOf(null)).toEqual([]);
  });
});
