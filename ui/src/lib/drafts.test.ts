import { describe, expect, it } from "vitest";
import { Drafts } from "./drafts";

describe("Drafts", () => {
  it("flushes every open editor, and no closed one", async () => {
    const d = new Drafts();
    const saved: string[] = [];
    const closeNotes = d.register(async () => void saved.push("notes"));
    d.register(async () => void saved.push("story"));
    await d.flushAll();
    expect(saved.sort()).toEqual(["notes", "story"]);
    closeNotes();
    saved.length = 0;
    await d.flushAll();
    expect(saved).toEqual(["story"]);
    expect(d.size).toBe(1);
  });

  it("one failed save does not stop the others", async () => {
    const d = new Drafts();
    let saved = false;
    d.register(() => Promise.reject(new Error("disk full")));
    d.register(async () => void (saved = true));
    await expect(d.flushAll()).resolves.toBeUndefined();
    expect(saved).toBe(true);
  });
});
