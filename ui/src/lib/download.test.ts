import { describe, expect, it } from "vitest";
import { Download } from "./download.svelte";
import type { DownloadProgress } from "./bindings";

describe("Download", () => {
  it("follows one download's progress and ends idle with its value", async () => {
    const d = new Download();
    let report: (p: DownloadProgress) => void = () => {};
    let finish: (v: string) => void = () => {};
    const outcome = d.run("base.en", (onProgress) => {
      report = onProgress;
      return new Promise<string>((resolve) => (finish = resolve));
    });
    expect(d.running).toBe(true);
    expect(d.name).toBe("base.en");
    expect(d.total).toBeNull();
    report({ done: 1_000, total: 4_000 });
    expect([d.done, d.total]).toEqual([1_000, 4_000]);
    finish("installed");
    expect(await outcome).toEqual({ ok: true, value: "installed" });
    expect(d.running).toBe(false);
  });

  it("tells a cancel from a failure by the error's kind", async () => {
    const d = new Download();
    const cancelled = await d.run("v", () => Promise.reject({ kind: "cancelled", message: "Cancelled." }));
    expect(cancelled).toEqual({ ok: false, message: "Download cancelled." });
    const failed = await d.run("v", () => Promise.reject({ kind: "network", message: "The voice could not be downloaded: timed out." }));
    expect(failed).toEqual({ ok: false, message: "The voice could not be downloaded: timed out." });
    expect(d.running).toBe(false);
  });

  it("starts each download from nothing", async () => {
    const d = new Download();
    await d.run("a", (p) => {
      p({ done: 50, total: 100 });
      return Promise.resolve(1);
    });
    let seen: [number, number | null] = [-1, -1];
    await d.run("b", () => {
      seen = [d.done, d.total];
      return Promise.resolve(2);
    });
    expect(seen).toEqual([0, null]);
  });
});
