import { describe, expect, it } from "vitest";
import type { Question } from "./bindings";
import { applyFilters, areaTree, emptyFilters, fold, isFiltered, matchesSearch, sortByArea } from "./filter";

function q(partial: Partial<Question> & { id: string }): Question {
  return {
    kind: "technical",
    area: "Python",
    topic: null,
    difficulty: null,
    prompt: "",
    answer: null,
    explanation: null,
    follow_up: null,
    sample_answer: null,
    example: null,
    approach: null,
    quiz: null,
    deck: "d",
    ...partial,
  };
}

const bank = [
  q({ id: "a", prompt: "What are generators useful for?", difficulty: "medium", topic: "iteration" }),
  q({ id: "b", prompt: "Tell me about a difficult bug", kind: "behavioral", area: "Behavioral", sample_answer: "Stale cache keys" }),
  q({ id: "c", prompt: "Pick one", kind: "quiz", area: "HTTP & APIs", quiz: { select: "single", options: [{ text: "403 Forbidden", correct: true }] } }),
];

describe("search", () => {
  it("matches every word anywhere in the question, ignoring case and accents", () => {
    expect(matchesSearch(bank[1], "CACHE difficult")).toBe(true);
    expect(matchesSearch(bank[1], "cache generators")).toBe(false);
    expect(matchesSearch(bank[2], "forbidden")).toBe(true);
    expect(fold("Café")).toBe("cafe");
  });
});

describe("filters", () => {
  it("combines kind, area, difficulty and stars", () => {
    const f = emptyFilters();
    expect(applyFilters(bank, f, new Set()).map((x) => x.id)).toEqual(["a", "b", "c"]);
    expect(isFiltered(f)).toBe(false);
    expect(applyFilters(bank, { ...f, kinds: ["quiz", "behavioral"] }, new Set()).map((x) => x.id)).toEqual(["b", "c"]);
    expect(applyFilters(bank, { ...f, difficulty: "medium" }, new Set()).map((x) => x.id)).toEqual(["a"]);
    expect(applyFilters(bank, { ...f, starredOnly: true }, new Set(["c"])).map((x) => x.id)).toEqual(["c"]);
    expect(applyFilters(bank, { ...f, area: "Python", topic: "iteration" }, new Set()).map((x) => x.id)).toEqual(["a"]);
    expect(isFiltered({ ...f, search: " x " })).toBe(true);
  });

  it("builds the area tree with counts", () => {
    const tree = areaTree(bank);
    expect(tree.map((n) => [n.area, n.count])).toEqual([
      ["Python", 1],
      ["Behavioral", 1],
      ["HTTP & APIs", 1],
    ]);
    expect(tree[0].topics).toEqual([{ topic: "iteration", count: 1 }]);
  });
});

describe("ordering", () => {
  it("sorts by the given area order and keeps deck order inside an area", () => {
    const extra = q({ id: "d", area: "Behavioral" });
    const sorted = sortByArea([...bank, extra], ["Behavioral", "HTTP & APIs", "Python"]);
    expect(sorted.map((x) => x.id)).toEqual(["b", "d", "c", "a"]);
  });
});
