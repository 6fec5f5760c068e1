import { describe, expect, it, vi } from "vitest";
import { Autosaver, type SaveState } from "./autosave";

describe("autosave", () => {
  it("debounces changes and saves only the latest value", async () => {
    vi.useFakeTimers();
    const saved: string[] = [];
    const states: SaveState[] = [];
    const a = new Autosaver<string>(async (v) => void saved.push(v), (s) => states.push(s), 300);
    a.change("a");
    a.change("ab");
    a.change("abc");
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(299);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await a.flush();
    expect(saved).toEqual(["abc"]);
    expect(states.at(-1)).toBe("saved");
    vi.useRealTimers();
  });

  it("flush saves at once and reports errors", async () => {
    const states: [SaveState, string | undefined][] = [];
    const a = new Autosaver<number>(
      async () => {
        throw { kind: "storage", message: "disk full" };
      },
      (s, e) => states.push([s, e]),
      10_000,
    );
    a.change(1);
    await a.flush();
    expect(states.at(-1)).toEqual(["error", "disk full"]);
  });
});
