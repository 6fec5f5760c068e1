import { describe, expect, it } from "vitest";
import type { Question } from "./bindings";
import { pickQuestions, score, shuffle } from "./session";

const q = (id: string, kind: Question["kind"], area: Question["area"] = "Python"): Question => ({ id, kind, area }) as Question;
const bank = [q("a", "quiz"), q("b", "quiz"), q("c", "quiz", "Node.js"), q("d", "technical"), q("e", "quiz"), q("f", "behavioral")];

describe("shuffle", () => {
  it("keeps every item and is reproducible by seed", () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(shuffle(items, 7).sort()).toEqual(items);
    expect(shuffle(items, 7)).toEqual(shuffle(items, 7));
    expect(shuffle(items, 7)).not.toEqual(shuffle(items, 8));
  });
});

describe("pickQuestions", () => {
  it("takes the chosen kinds and area, cut to the count", () => {
    const got = pickQuestions(bank, { kinds: ["quiz"], area: "Python", count: 10, dueFirst: false }, new Map(), 1);
    expect(got.map((x) => x.id).sort()).toEqual(["a", "b", "e"]);
    expect(pickQuestions(bank, { kinds: ["quiz"], area: null, count: 2, dueFirst: false }, new Map(), 1)).toHaveLength(2);
  });
  it("puts due questions first, most overdue first", () => {
    const due = new Map([
      ["e", 500],
      ["b", 100],
    ]);
    const got = pickQuestions(bank, { kinds: ["quiz"], area: null, count: 3, dueFirst: true }, due, 3);
    expect(got.slice(0, 2).map((x) => x.id)).toEqual(["b", "e"]);
  });
});

describe("score", () => {
  it("counts first-try answers", () => {
    expect(score([true, false, true, null])).toEqual({ right: 2, answered: 3, percent: 67 });
    expect(score([])).toEqual({ right: 0, answered: 0, percent: 0 });
  });
});
