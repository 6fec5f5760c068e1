import { describe, expect, it } from "vitest";
import { bandPosition, clock, loadPrefs, meterFraction, savePrefs } from "./answer";

describe("answer helpers", () => {
  it("formats clock time", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(65_400)).toBe("1:05");
    expect(clock(-5)).toBe("0:00");
  });
  it("places durations against the target band", () => {
    const b = { min: 60, max: 120 };
    expect(bandPosition(59_000, b)).toBe("short");
    expect(bandPosition(90_000, b)).toBe("inside");
    expect(bandPosition(121_000, b)).toBe("long");
  });
  it("maps RMS to a dB meter", () => {
    expect(meterFraction(0)).toBe(0);
    expect(meterFraction(1)).toBe(1);
    expect(meterFraction(0.001)).toBe(0);
    expect(meterFraction(0.0316)).toBeCloseTo(0.5, 2);
  });
  it("loads prefs with defaults and clamps bad values", () => {
    const store = new Map<string, string>();
    const s = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadPrefs(s)).toEqual({ thinkSeconds: 20, maxSeconds: 240 });
    savePrefs({ thinkSeconds: 0, maxSeconds: 99999 }, s);
    expect(loadPrefs(s)).toEqual({ thinkSeconds: 0, maxSeconds: 3600 });
    store.set("starling.answer", "not json");
    expect(loadPrefs(s)).toEqual({ thinkSeconds: 20, maxSeconds: 240 });
  });
});
