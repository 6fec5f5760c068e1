// Words for the review schedule: "in 3 days", "today", "2 days overdue".
import type { Rating } from "./bindings";

export const RATINGS: { rating: Rating; label: string; key: string; hint: string }[] = [
  { rating: "again", label: "Again", key: "1", hint: "I could not answer it" },
  { rating: "hard", label: "Hard", key: "2", hint: "I got through it, with effort" },
  { rating: "good", label: "Good", key: "3", hint: "A solid answer" },
  { rating: "easy", label: "Easy", key: "4", hint: "Effortless" },
];

const DAY = 86_400_000;

/** When `dueMs` is, relative to `nowMs`, in whole days. */
export function dueIn(dueMs: number, nowMs: number): string {
  const days = Math.round((dueMs - nowMs) / DAY);
  if (days === 0) return dueMs <= nowMs ? "due now" : "due today";
  if (days === 1) return "due tomorrow";
  if (days > 1) return `due in ${days} days`;
  return days === -1 ? "1 day overdue" : `${-days} days overdue`;
}
