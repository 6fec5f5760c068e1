// Which view the window shows and what sits over it: the mode of the middle
// column (questions, today, stories, history), a practice session taking
// over, the question editor, the dialogs, the notice line and the theme.
// Dialogs open and close here; Esc closes the topmost.
import type { HistoryItem, Question, TodayView } from "./bindings";
import { actionForAny } from "./errors";
import type { Mode } from "./filter";
import { applyTheme, loadTheme, nextTheme, type Theme } from "./theme";

/** The commands the views read (the real ones, or a test's). */
export interface ViewCommands {
  today(): Promise<TodayView>;
  history(limit: number): Promise<HistoryItem[]>;
}

export type Dialog = "help" | "models" | "search" | "data";

/** Where the theme is remembered and how it is shown (a test's stand-in). */
export interface ThemeStore {
  load(): Theme;
  apply(t: Theme): void;
}

/** How many recent attempts the history view shows. */
const HISTORY_LIMIT = 500;

export class ViewStore {
  mode = $state<Mode>("questions");
  today = $state<TodayView | null>(null);
  history = $state<HistoryItem[] | null>(null);
  /** A practice session taking over the middle and right columns. */
  session = $state<"quiz" | "mock" | null>(null);
  /** The story the stories view opens on. */
  storyFocus = $state<number | null>(null);
  /** The question editor: `null` closed, `"new"` a new question, or the one being edited. */
  editing = $state<Question | "new" | null>(null);
  dialog = $state<Dialog | null>(null);
  notice = $state<string | null>(null);
  theme = $state<Theme>("system");

  /** When each due question is due, for practice sessions. */
  dueMs = $derived(new Map((this.today?.due ?? []).map((d) => [d.question_id, d.due_ms])));
  dueCount = $derived(this.today?.due.length ?? 0);

  constructor(
    private readonly commands: ViewCommands,
    private readonly themeStore: ThemeStore = { load: loadTheme, apply: applyTheme },
  ) {
    this.theme = themeStore.load();
  }

  /** Shows a failed command's sentence and, by its kind, opens what fixes it. */
  report(e: unknown): void {
    const action = actionForAny(e);
    this.notice = action.message;
    if (action.openModels) this.dialog = "models";
  }

  open(d: Dialog): void {
    this.dialog = d;
  }

  close(d: Dialog): void {
    if (this.dialog === d) this.dialog = null;
  }

  /** Esc: closes the editor or the open dialog; false when nothing was open. */
  closeTopmost(): boolean {
    if (this.editing) this.editing = null;
    else if (this.dialog) this.dialog = null;
    else return false;
    return true;
  }

  async refreshToday(): Promise<void> {
    this.today = await this.commands.today().catch(() => this.today);
  }

  async refreshHistory(): Promise<void> {
    this.history = await this.commands.history(HISTORY_LIMIT).catch(() => this.history ?? []);
  }

  /** Switches the middle column, loading what the new mode shows. */
  async setMode(m: Mode): Promise<void> {
    this.mode = m;
    if (m === "today") await this.refreshToday();
    if (m === "history") await this.refreshHistory();
  }

  /** Opens the stories view on story `id`. */
  focusStory(id: number): void {
    this.storyFocus = id;
    this.mode = "stories";
  }

  cycleTheme(): void {
    this.theme = nextTheme(this.theme);
    this.themeStore.apply(this.theme);
  }
}
