import { describe, expect, it } from "vitest";
import { inlineRuns, paragraphs } from "./inline";

describe("inline code runs", () => {
  it("splits on backtick pairs", () => {
    expect(inlineRuns("use `len()` here")).toEqual([
      { code: false, text: "use " },
      { code: true, text: "len()" },
      { code: false, text: " here" },
    ]);
  });
  it("keeps an unmatched backtick literal and never produces markup", () => {
    expect(inlineRuns("a `b")).toEqual([
      { code: false, text: "a " },
      { code: false, text: "`b" },
    ]);
    expect(inlineRuns("<img src=x onerror=alert(1)>")).toEqual([{ code: false, text: "<img src=x onerror=alert(1)>" }]);
  });
  it("splits paragraphs on newlines", () => {
    expect(paragraphs("one\n\n two \nthree")).toEqual(["one", "two", "three"]);
  });
});
