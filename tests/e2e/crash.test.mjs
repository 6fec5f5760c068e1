// The real window killed (SIGKILL) in the middle of an answer: started again,
// Starling shows the take as recovered, with the audio up to at most a second
// before the kill, and the note typed before it.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, pickVirtualMic, screenshot, startRecording, waitForExit } from "./harness.mjs";

const QUESTION = "behavior-difficult-bug";

test("a window killed while recording comes back with the take recovered and the note kept", async () => {
  const dataDir = freshDataDir();
  const answer = join(dataDir, "answer.wav");
  execFileSync("espeak-ng", ["-w", answer, "The situation was a release that slipped every week. I measured the tests, fixed the slow ones, and we shipped on time."]);

  let browser = await launch(dataDir);
  let recordingFor;
  try {
    await openQuestion(browser, "difficult bug", QUESTION);
    await browser.$('[data-testid="star-situation"]').setValue("Typed just before the crash.");
    const status = await browser.$('[data-testid="save-state"]');
    await browser.waitUntil(async () => (await status.getAttribute("data-state")) === "saved", { timeout: 5_000, timeoutMsg: "the note never saved" });
    await pickVirtualMic(browser);
    await startRecording(browser, { skipThink: true });
    const started = Date.now();
    const player = spawn("paplay", ["-d", "virtmic", answer]);
    await browser.pause(3_000 + Math.floor(Math.random() * 2_000));
    // Kill the app process itself (found by its private data folder).
    const pids = execFileSync("pgrep", ["-f", "--", `--data-dir ${dataDir}`]).toString().trim().split(/\s+/);
    assert.ok(pids.length >= 1 && pids[0] !== "", "the app process was found");
    execFileSync("kill", ["-9", ...pids]);
    recordingFor = Date.now() - started;
    player.kill();
  } finally {
    await browser.deleteSession().catch(() => {});
  }
  // The killed app's live transcription worker finishes on its own once its
  // input closes; the new window starts when nothing of the old one is left.
  await waitForExit(dataDir);

  browser = await launch(dataDir);
  try {
    await openQuestion(browser, "difficult bug", QUESTION);
    const attempt = await browser.$('[data-testid="attempt"]');
    await attempt.waitForExist({ timeout: 10_000 });
    assert.equal(await attempt.getAttribute("data-state"), "recovered");
    const ms = Number(await attempt.getAttribute("data-duration-ms"));
    // The phase flips when the stream starts; the kill lands after the pgrep.
    assert.ok(ms >= recordingFor - 1_000 && ms <= recordingFor + 500, `recovered ${ms} ms of about ${recordingFor} ms recorded`);
    assert.equal(await browser.$('[data-testid="star-situation"]').getValue(), "Typed just before the crash.");
    await screenshot(browser, "crash-recovered");
  } finally {
    await browser.deleteSession();
  }
});
