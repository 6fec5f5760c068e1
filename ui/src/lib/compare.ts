// Figures for comparing two attempts side by side.
import type { Attempt, Transcript } from "./bindings";

export interface TakeFigures {
  words: number;
  /** Words per minute over the whole take; null without a transcript or length. */
  wpm: number | null;
  seconds: number;
}

export function figures(a: Attempt, t: Transcript | null): TakeFigures {
  const seconds = (a.duration_ms ?? 0) / 1000;
  const words = t ? t.segments.reduce((n, s) => n + s.words.length, 0) : 0;
  return { words, seconds, wpm: t && seconds > 0 ? Math.round((words / seconds) * 60) : null };
}
