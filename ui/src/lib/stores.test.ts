// The window's stores (bank, question, views) against fake commands.
import { describe, expect, it } from "vitest";
import { BankStore } from "./bank.svelte";
import type { Attempt, BankSnapshot, HistoryItem, Question, QuestionDetail, ReviewCard, TodayView } from "./bindings";
import { QuestionStore } from "./question.svelte";
import { ViewStore } from "./views.svelte";

function q(id: string, area = "behavioral"): Question {
  return { id, prompt: `Prompt ${id}`, kind: "behavioral", area, difficulty: "medium", tags: [] } as unknown as Question;
}

function snapshot(): BankSnapshot {
  return {
    questions: [q("b"), q("a")],
    areas: ["behavioral"],
    decks: [],
    states: [],
    noted: [],
    user_deck_dir: "/decks",
  } as unknown as BankSnapshot;
}

function detail(id: string, attempts: Attempt[] = []): QuestionDetail {
  return { question: q(id), note: null, attempts, starred: false, stories: [], review: null } as unknown as QuestionDetail;
}

const attempt = (id: number, question_id = "a") => ({ id, question_id, state: "done", transcription: "none" }) as Attempt;

describe("BankStore", () => {
  it("loads, filters by star, and keeps stars and notes in step without reloading", async () => {
    const starredInRust: [string, boolean][] = [];
    const bank = new BankStore({
      loadBank: async () => snapshot(),
      reloadBank: async () => snapshot(),
      setStarred: async (id, on) => (starredInRust.push([id, on]), null),
    });
    await bank.load();
    expect(bank.fatal).toBeNull();
    expect(bank.visible.map((x) => x.id).sort()).toEqual(["a", "b"]);
    await bank.setStarred("a", true);
    expect(starredInRust).toEqual([["a", true]]);
    expect(bank.starred.has("a")).toBe(true);
    bank.filters.starredOnly = true;
    expect(bank.filtered).toBe(true);
    expect(bank.visible.map((x) => x.id)).toEqual(["a"]);
    bank.clearFilters();
    expect(bank.visible).toHaveLength(2);
    bank.noteSaved("b", true);
    expect(bank.noted.has("b")).toBe(true);
    bank.noteSaved("b", false);
    expect(bank.noted.has("b")).toBe(false);
  });

  it("a bank that cannot be read is fatal, with its kind", async () => {
    const bank = new BankStore({
      loadBank: () => Promise.reject({ kind: "newer_database", message: "From a newer Starling." }),
      reloadBank: async () => snapshot(),
      setStarred: async () => null,
    });
    await bank.load();
    expect(bank.snapshot).toBeNull();
    expect(bank.fatal).toEqual({ kind: "newer_database", message: "From a newer Starling." });
  });
});

describe("QuestionStore", () => {
  const store = () =>
    new QuestionStore({
      openQuestion: async (id) => detail(id, [attempt(1, id)]),
      getAttempt: async (id) => ({ ...attempt(id), transcription: "running" }) as Attempt,
    });

  it("walks a list from the open question, clamped at its ends", async () => {
    const s = store();
    const walk = ["a", "b", "c"];
    expect(s.neighbour(walk, 1)).toBe("a");
    expect(s.neighbour(walk, -1)).toBe("c");
    expect(s.neighbour([], 1)).toBeNull();
    await s.open("b");
    expect(s.position(walk)).toBe("2 / 3");
    expect(s.neighbour(walk, 1)).toBe("c");
    await s.open("c");
    expect(s.neighbour(walk, 1)).toBe("c");
    expect(s.position(["x"])).toBe("");
  });

  it("opens with the answer hidden, and keeps attempts, review and transcription state current", async () => {
    const s = store();
    await s.open("a");
    s.toggleReveal();
    expect(s.revealed).toBe(true);
    await s.open("a");
    expect(s.revealed).toBe(false);
    s.addAttempt(attempt(2));
    s.addAttempt(attempt(3, "other"));
    expect(s.detail?.attempts.map((a) => a.id)).toEqual([2, 1]);
    s.removeAttempt(attempt(1));
    expect(s.detail?.attempts.map((a) => a.id)).toEqual([2]);
    await s.reloadAttempt(2);
    expect(s.detail?.attempts[0].transcription).toBe("running");
    const card = { due_ms: 9 } as ReviewCard;
    s.setReview(card);
    expect(s.detail?.review).toBe(card);
    s.close();
    expect(s.selectedId).toBeNull();
  });
});

describe("ViewStore", () => {
  const today = { due: [{ question_id: "a", due_ms: 5 }] } as unknown as TodayView;
  const views = () => {
    const applied: string[] = [];
    const v = new ViewStore(
      { today: async () => today, history: async () => [{ attempt_id: 1 }] as unknown as HistoryItem[] },
      { load: () => "light", apply: (t) => applied.push(t) },
    );
    return { v, applied };
  };

  it("loads what a mode shows when it is switched to", async () => {
    const { v } = views();
    await v.setMode("today");
    expect(v.dueCount).toBe(1);
    expect(v.dueMs.get("a")).toBe(5);
    await v.setMode("history");
    expect(v.history).toHaveLength(1);
    v.focusStory(4);
    expect([v.mode, v.storyFocus]).toEqual(["stories", 4]);
  });

  it("Esc closes the editor first, then the dialog, then says nothing was open", () => {
    const { v } = views();
    v.open("data");
    v.editing = "new";
    expect(v.closeTopmost()).toBe(true);
    expect(v.editing).toBeNull();
    expect(v.dialog).toBe("data");
    expect(v.closeTopmost()).toBe(true);
    expect(v.dialog).toBeNull();
    expect(v.closeTopmost()).toBe(false);
  });

  it("a missing model opens the models dialog; other errors only say why", () => {
    const { v } = views();
    v.report({ kind: "busy", message: "A recording is running." });
    expect([v.notice, v.dialog]).toEqual(["A recording is running.", null]);
    v.report({ kind: "no_model", message: "No model yet." });
    expect([v.notice, v.dialog]).toEqual(["No model yet.", "models"]);
  });

  it("the theme cycles and is applied", () => {
    const { v, applied } = views();
    expect(v.theme).toBe("light");
    v.cycleTheme();
    expect(applied).toEqual([v.theme]);
    expect(v.theme).not.toBe("light");
  });
});
