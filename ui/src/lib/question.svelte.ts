// The open question: its detail (content, note, attempts, stories, review),
// whether its answer is revealed, and moving through a list of questions.
// Attempts arrive from the take and leave (undoably) from the attempt list.
import type { Attempt, QuestionDetail, ReviewCard, Story } from "./bindings";

/** The commands a question comes through (the real ones, or a test's). */
export interface QuestionCommands {
  openQuestion(id: string): Promise<QuestionDetail>;
  getAttempt(id: number): Promise<Attempt>;
}

export class QuestionStore {
  detail = $state<QuestionDetail | null>(null);
  revealed = $state(false);
  selectedId = $derived(this.detail?.question.id ?? null);

  constructor(private readonly commands: QuestionCommands) {}

  /** Opens question `id` (answer hidden). */
  async open(id: string): Promise<QuestionDetail> {
    const d = await this.commands.openQuestion(id);
    this.detail = d;
    this.revealed = false;
    return d;
  }

  /** Reads the open question again (a model was installed, data restored). */
  async refresh(): Promise<void> {
    if (this.detail) this.detail = await this.commands.openQuestion(this.detail.question.id);
  }

  close(): void {
    this.detail = null;
  }

  toggleReveal(): void {
    this.revealed = !this.revealed;
  }

  /**
   * The id `delta` steps from the open question in `walk` (the first or last
   * when none of them is open); null on an empty walk.
   */
  neighbour(walk: string[], delta: number): string | null {
    if (walk.length === 0) return null;
    const index = this.indexIn(walk);
    const next = index < 0 ? (delta > 0 ? 0 : walk.length - 1) : Math.min(walk.length - 1, Math.max(0, index + delta));
    return walk[next];
  }

  /** "3 / 12": where the open question is in `walk`, or "" when it is not. */
  position(walk: string[]): string {
    const index = this.indexIn(walk);
    return index >= 0 ? `${index + 1} / ${walk.length}` : "";
  }

  /** Where the open question is in `walk`; -1 when it is not there. */
  private indexIn(walk: string[]): number {
    return this.selectedId ? walk.indexOf(this.selectedId) : -1;
  }

  /** A new take of the open question goes to the top of its attempts. */
  addAttempt(a: Attempt): void {
    const d = this.detail;
    if (d && d.question.id === a.question_id) d.attempts = [a, ...d.attempts.filter((x) => x.id !== a.id)];
  }

  removeAttempt(a: Attempt): void {
    if (this.detail) this.detail.attempts = this.detail.attempts.filter((x) => x.id !== a.id);
  }

  /** Reads one attempt again (its transcription state changed). */
  async reloadAttempt(id: number): Promise<void> {
    const fresh = await this.commands.getAttempt(id);
    if (this.detail) replace(this.detail, fresh);
  }

  setReview(card: ReviewCard): void {
    if (this.detail) this.detail.review = card;
  }

  setStories(linked: Story[]): void {
    if (this.detail) this.detail.stories = linked;
  }

  setStarred(on: boolean): void {
    if (this.detail) this.detail.starred = on;
  }
}

/** Puts a fresh copy of an attempt in place of the old one. */
export function replace(detail: QuestionDetail, fresh: Attempt): void {
  detail.attempts = detail.attempts.map((a) => (a.id === fresh.id ? fresh : a));
}
