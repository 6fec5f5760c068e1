// Rating a question ("How did it go?"): after an attempt, the rating counts
// for the latest take; otherwise it is a manual review. The rating bar shows
// one; keys 1–4 reach the one on screen through `activeRating`.
import { Active } from "./active.svelte";
import type { Attempt, Rating, ReviewCard, ReviewSource } from "./bindings";
import { messageFor } from "./errors";

/** The command a rating sends (the real one, or a test's). */
export interface RateCommand {
  rateQuestion(id: string, rating: Rating, source: ReviewSource, attemptId: number | null): Promise<ReviewCard>;
}

export interface RaterHooks {
  questionId(): string;
  /** The latest take, if any. */
  latest(): Attempt | null;
  onrated(card: ReviewCard): void;
}

export class Rater {
  busy = $state(false);
  justRated = $state<Rating | null>(null);
  error = $state<string | null>(null);

  constructor(
    private readonly command: RateCommand,
    private readonly hooks: RaterHooks,
  ) {}

  async rate(rating: Rating): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      const latest = this.hooks.latest();
      const usable = latest && latest.state !== "recording" ? latest : null;
      const card = await this.command.rateQuestion(this.hooks.questionId(), rating, usable ? "attempt" : "manual", usable?.id ?? null);
      this.justRated = rating;
      this.hooks.onrated(card);
    } catch (e) {
      this.error = messageFor(e);
    } finally {
      this.busy = false;
    }
  }
}

/** The rating bar on screen, which keys 1–4 act on. */
export const activeRating = new Active<Rater>();
