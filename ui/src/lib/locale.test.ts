import { describe, expect, it } from "vitest";
import { fixNavigatorLanguage, usableLocale } from "./locale";

describe("usableLocale", () => {
  it("skips tags Intl rejects", () => {
    expect(usableLocale(["C", "de-DE"])).toBe("de-DE");
    expect(usableLocale(["C", "POSIX", ""])).toBe("en-US");
    expect(usableLocale(["fr-CA"])).toBe("fr-CA");
  });
  it("patches a navigator whose language is not a tag", () => {
    const nav = { language: "C", languages: ["C"] } as unknown as Navigator;
    fixNavigatorLanguage(nav);
    expect(nav.language).toBe("en-US");
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });
});
