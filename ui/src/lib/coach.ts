// Words and positions for the coaching panel; the figures come from Rust.
import type { Analysis, AnswerKind, QuestionKind, StarPart } from "./bindings";

export const STAR_LABELS: Record<StarPart, string> = { situation: "Situation", task: "Task", action: "Action", result: "Result" };

/** Where a value sits on a 0–100 % scale from `lo` to `hi` (clamped). */
export function scale(value: number, lo: number, hi: number): number {
  if (hi <= lo) return 0;
  return Math.max(0, Math.min(100, ((value - lo) / (hi - lo)) * 100));
}

/** Which coaching settings a question kind uses. */
export function answerKind(kind: QuestionKind): AnswerKind {
  return kind === "behavioral" ? "behavioral" : kind === "coding" ? "coding" : "technical";
}

/** "2 s", "2.5 s". */
export const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** One line per fact, in the words the panel shows. */
export function facts(a: Analysis, pauseMs = 2000): string[] {
  const out = [`${Math.round(a.pace.wpm)} words per minute over ${(a.pace.speaking_ms / 1000).toFixed(0)} s of speaking (comfortable: ${a.pace.band_min}–${a.pace.band_max})`];
  out.push(`${a.pauses.length} pause${a.pauses.length === 1 ? "" : "s"} over ${seconds(pauseMs)}`);
  out.push(`at least ${a.fillers.at_least} filler${a.fillers.at_least === 1 ? "" : "s"} (${a.fillers.per_minute.toFixed(1)} per minute)`);
  if (a.hedges.at_least > 0) out.push(`${a.hedges.at_least} hedge${a.hedges.at_least === 1 ? "" : "s"}: ${a.hedges.by_phrase.map(([p, n]) => `“${p}” ×${n}`).join(", ")}`);
  if (a.voice) out.push(`${a.voice.i_sentences} of ${a.voice.sentences} sentences say “I”, ${a.voice.we_sentences} say “we”`);
  return out;
}
