// Keyboard shortcuts: one table, used by the app and shown in the help overlay.
export type Action =
  | "next"
  | "prev"
  | "reveal"
  | "record"
  | "search"
  | "find"
  | "star"
  | "theme"
  | "help"
  | "escape"
  | "again"
  | "hard"
  | "good"
  | "easy";

export const SHORTCUTS: { keys: string[]; action: Action; label: string }[] = [
  { keys: ["j", "ArrowDown"], action: "next", label: "Next question" },
  { keys: ["k", "ArrowUp"], action: "prev", label: "Previous question" },
  { keys: ["r"], action: "reveal", label: "Reveal / hide the answer" },
  { keys: [" "], action: "record", label: "Record / start now / stop" },
  { keys: ["/"], action: "search", label: "Filter the question list" },
  { keys: ["Ctrl+k"], action: "find", label: "Search everything (questions, notes, stories, transcripts)" },
  { keys: ["1"], action: "again", label: "Rate: Again" },
  { keys: ["2"], action: "hard", label: "Rate: Hard" },
  { keys: ["3"], action: "good", label: "Rate: Good" },
  { keys: ["4"], action: "easy", label: "Rate: Easy" },
  { keys: ["s"], action: "star", label: "Star / unstar" },
  { keys: ["t"], action: "theme", label: "Switch theme" },
  { keys: ["?"], action: "help", label: "Show shortcuts" },
  { keys: ["Escape"], action: "escape", label: "Discard the take (undo) / close / leave the field" },
];

/** The action for a key press, or null. Typing in a field only answers Escape. */
export function actionFor(key: string, inField: boolean, modifiers: boolean): Action | null {
  // Ctrl+K works everywhere, even while typing.
  if (modifiers) return key.toLowerCase() === "k" ? "find" : null;
  if (inField) return key === "Escape" ? "escape" : null;
  return SHORTCUTS.find((s) => s.keys.includes(key))?.action ?? null;
}
