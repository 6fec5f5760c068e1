// The question bank as the window shows it: the snapshot from Rust (built-in
// and user decks with the user's stars and notes), the filters, and what
// they leave visible. A bank that cannot be read at all is `fatal`.
import type { BankSnapshot, IpcError } from "./bindings";
import { toIpcError } from "./errors";
import { applyFilters, emptyFilters, isFiltered, sortByArea, type Filters } from "./filter";

/** The commands the bank comes through (the real ones, or a test's). */
export interface BankCommands {
  loadBank(): Promise<BankSnapshot>;
  reloadBank(): Promise<BankSnapshot>;
  setStarred(id: string, starred: boolean): Promise<null>;
}

export class BankStore {
  snapshot = $state<BankSnapshot | null>(null);
  fatal = $state<IpcError | null>(null);
  filters = $state<Filters>(emptyFilters());

  starred = $derived(new Set(this.snapshot?.states.filter((s) => s.starred).map((s) => s.question_id) ?? []));
  noted = $derived(new Set(this.snapshot?.noted ?? []));
  /** Every question, grouped by area in the bank's order. */
  ordered = $derived(this.snapshot ? sortByArea(this.snapshot.questions, this.snapshot.areas) : []);
  /** What the filters leave. */
  visible = $derived(applyFilters(this.ordered, this.filters, this.starred));
  filtered = $derived(isFiltered(this.filters));

  constructor(private readonly commands: BankCommands) {}

  /** The first load; a failure here is fatal (the data cannot be opened). */
  async load(): Promise<void> {
    try {
      this.snapshot = await this.commands.loadBank();
    } catch (e) {
      this.fatal = toIpcError(e);
    }
  }

  /** Reads the decks again (a deck file changed, a question was saved). */
  async reload(): Promise<void> {
    this.snapshot = await this.commands.reloadBank();
  }

  clearFilters(): void {
    this.filters = emptyFilters();
  }

  /** Stars or unstars a question, in Rust and in the list. */
  async setStarred(id: string, on: boolean): Promise<void> {
    await this.commands.setStarred(id, on);
    const snap = this.snapshot;
    if (!snap) return;
    const state = snap.states.find((s) => s.question_id === id);
    if (state) state.starred = on;
    else snap.states.push({ question_id: id, starred: on, view_count: 1, last_viewed_ms: Date.now() });
  }

  /** A question's note was saved (`has`: it has any text). */
  noteSaved(id: string, has: boolean): void {
    const snap = this.snapshot;
    if (!snap) return;
    const present = snap.noted.includes(id);
    if (has && !present) snap.noted.push(id);
    if (!has && present) snap.noted = snap.noted.filter((x) => x !== id);
  }
}
