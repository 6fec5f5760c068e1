import { describe, expect, it } from "vitest";
import type { Attempt, Rating, ReviewCard, ReviewSource } from "./bindings";
import { Rater } from "./rating.svelte";

const card = { question_id: "q", due_ms: 5, reps: 1 } as unknown as ReviewCard;

function rater(latest: Attempt | null, fails = false) {
  const calls: [string, Rating, ReviewSource, number | null][] = [];
  const rated: ReviewCard[] = [];
  const r = new Rater(
    {
      async rateQuestion(id, rating, source, attemptId) {
        calls.push([id, rating, source, attemptId]);
        if (fails) throw { kind: "storage", message: "The database is locked." };
        return card;
      },
    },
    { questionId: () => "q", latest: () => latest, onrated: (c) => rated.push(c) },
  );
  return { r, calls, rated };
}

describe("Rater", () => {
  it("rates the latest finished take, or the question by hand without one", async () => {
    const withTake = rater({ id: 7, state: "done" } as Attempt);
    await withTake.r.rate("good");
    expect(withTake.calls).toEqual([["q", "good", "attempt", 7]]);
    expect(withTake.rated).toEqual([card]);
    expect(withTake.r.justRated).toBe("good");

    const recording = rater({ id: 8, state: "recording" } as Attempt);
    await recording.r.rate("hard");
    expect(recording.calls).toEqual([["q", "hard", "manual", null]]);
  });

  it("shows why a rating failed and rates nothing", async () => {
    const { r, rated } = rater(null, true);
    await r.rate("easy");
    expect(r.error).toBe("The database is locked.");
    expect(rated).toEqual([]);
    expect(r.busy).toBe(false);
  });
});
