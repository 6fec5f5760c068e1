import { describe, expect, it } from "vitest";
import { LiveWords } from "./livewords.svelte";
import type { Segment } from "./bindings";

const seg = (text: string, start_ms: number): Segment => ({ start_ms, end_ms: start_ms + 900, text, words: [] });

describe("LiveWords", () => {
  it("keeps finished stretches and replaces the preview", () => {
    const w = new LiveWords();
    expect(w.take({ kind: "level", peak: 0.2, rms: 0.1, elapsed_ms: 1500 })).toBe(true);
    expect(w.elapsedMs).toBe(1500);
    expect(w.level).toBeGreaterThan(0);
    expect(w.any).toBe(false);
    w.take({ kind: "preview", segments: [seg("I fixed", 0)], confirmed_words: 0 });
    w.take({ kind: "preview", segments: [seg("I fixed it", 0)], confirmed_words: 2 });
    expect(w.preview.map((s) => s.text)).toEqual(["I fixed it"]);
    expect(w.confirmed).toBe(2);
    w.take({ kind: "live", segments: [seg("I fixed it.", 0)] });
    w.take({ kind: "live", segments: [seg("Then I tested it.", 1000)] });
    expect(w.segments.map((s) => s.text)).toEqual(["I fixed it.", "Then I tested it."]);
    expect(w.preview).toEqual([]);
    expect(w.confirmed).toBe(0);
    expect(w.any).toBe(true);
    w.reset();
    expect([w.elapsedMs, w.level, w.segments.length, w.any]).toEqual([0, 0, 0, false]);
  });

  it("leaves the events it does not own to its holder", () => {
    const w = new LiveWords();
    expect(w.take({ kind: "silence", silent_ms: 900 })).toBe(false);
    expect(w.take({ kind: "started", device: "Microphone" })).toBe(false);
  });
});
