// Keyboard shortcuts: one table, used by the app and shown in the help overlay.
export type Action = "next" | "prev" | "reveal" | "record" | "search" | "star" | "theme" | "help" | "escape";

export const SHORTCUTS: { keys: string[]; action: Action; label: string }[] = [
  { keys: ["j", "ArrowDown"], action: "next", label: "Next question" },
  { keys: ["k", "ArrowUp"], action: "prev", label: "Previous question" },
  { keys: ["r"], action: "reveal", label: "Reveal / hide the answer" },
  { keys: [" "], action: "record", label: "Record / start now / stop" },
  { keys: ["/"], action: "search", label: "Search" },
  { keys: ["s"], action: "star", label: "Star / unstar" },
  { keys: ["t"], action: "theme", label: "Switch theme" },
  { keys: ["?"], action: "help", label: "Show shortcuts" },
  { keys: ["Escape"], action: "escape", label: "Discard the take (undo) / close / leave the field" },
];

/** The action for a key press, or null. Typing in a field only answers Escape. */
export function actionFor(key: string, inField: boolean, modifiers: boolean): Action | null {
  if (modifiers) return null;
  if (inField) return key === "Escape" ? "escape" : null;
  return SHORTCUTS.find((s) => s.keys.includes(key))?.action ?? null;
}
