// Practice sessions (quiz runs and mock interviews) without the DOM: which
// questions a session takes, in what order, and how a quiz run scores.
import type { Area, Question, QuestionKind } from "./bindings";

export interface SessionPick {
  kinds: QuestionKind[];
  area: Area | null;
  count: number;
  /** Take questions due for review first (by due date), then the rest. */
  dueFirst: boolean;
}

/** A deterministic shuffle (mulberry32) so a seed reproduces a run. */
export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The questions of a session: those of the chosen kinds and area, due ones
 * first (most overdue first) when asked, the rest shuffled, cut to `count`.
 */
export function pickQuestions(all: Question[], pick: SessionPick, dueMs: Map<string, number>, seed: number): Question[] {
  const pool = all.filter((q) => pick.kinds.includes(q.kind) && (pick.area === null || q.area === pick.area));
  const due = pick.dueFirst ? pool.filter((q) => dueMs.has(q.id)).sort((a, b) => dueMs.get(a.id)! - dueMs.get(b.id)!) : [];
  const rest = shuffle(
    pool.filter((q) => !due.includes(q)),
    seed,
  );
  return [...due, ...rest].slice(0, Math.max(0, pick.count));
}

/** A quiz run's score: right on the first try, out of answered. */
export function score(results: (boolean | null)[]): { right: number; answered: number; percent: number } {
  const answered = results.filter((r) => r !== null).length;
  const right = results.filter((r) => r === true).length;
  return { right, answered, percent: answered === 0 ? 0 : Math.round((100 * right) / answered) };
}
