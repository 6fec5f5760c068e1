import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UndoQueue } from "./undo.svelte";

describe("UndoQueue", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("finishes after the delay unless undone", () => {
    const q = new UndoQueue(5000);
    const log: string[] = [];
    q.offer("deleted", () => log.push("finish"), () => log.push("undo"));
    vi.advanceTimersByTime(4999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["finish"]);
    expect(q.current).toBeNull();
  });

  it("undo cancels, and a new offer settles the previous one", () => {
    const q = new UndoQueue(5000);
    const log: string[] = [];
    q.offer("a", () => log.push("finish a"), () => log.push("undo a"));
    q.offer("b", () => log.push("finish b"), () => log.push("undo b"));
    q.undo();
    vi.advanceTimersByTime(10_000);
    expect(log).toEqual(["finish a", "undo b"]);
  });
});
