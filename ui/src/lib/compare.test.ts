import { describe, expect, it } from "vitest";
import type { Attempt, Transcript } from "./bindings";
import { figures } from "./compare";

const attempt = (ms: number | null) => ({ duration_ms: ms }) as Attempt;
const transcript = (n: number) =>
  ({ segments: [{ words: Array.from({ length: n }, (_, i) => ({ text: "w", start_ms: i, end_ms: i + 1, probability: 1 })) }] }) as unknown as Transcript;

describe("figures", () => {
  it("counts words and words per minute", () => {
    expect(figures(attempt(30_000), transcript(70))).toEqual({ words: 70, seconds: 30, wpm: 140 });
  });
  it("has no pace without a transcript or a length", () => {
    expect(figures(attempt(30_000), null).wpm).toBeNull();
    expect(figures(attempt(null), transcript(5)).wpm).toBeNull();
  });
});
