import { describe, expect, it } from "vitest";
import { actionFor } from "./keys";

describe("shortcuts", () => {
  it("maps keys to actions outside fields", () => {
    expect(actionFor("j", false, false)).toBe("next");
    expect(actionFor("ArrowUp", false, false)).toBe("prev");
    expect(actionFor("r", false, false)).toBe("reveal");
    expect(actionFor("x", false, false)).toBe(null);
    expect(actionFor(" ", false, false)).toBe("record");
    expect(actionFor(" ", true, false)).toBe(null);
  });
  it("leaves typing alone", () => {
    expect(actionFor("j", true, false)).toBe(null);
    expect(actionFor("Escape", true, false)).toBe("escape");
    expect(actionFor("r", false, true)).toBe(null);
  });
  it("rates with 1–4 and searches everything with Ctrl+K, even in a field", () => {
    expect(["1", "2", "3", "4"].map((k) => actionFor(k, false, false))).toEqual(["again", "hard", "good", "easy"]);
    expect(actionFor("3", true, false)).toBe(null);
    expect(actionFor("k", true, true)).toBe("find");
    expect(actionFor("K", false, true)).toBe("find");
  });
});
