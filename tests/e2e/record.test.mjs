// Answering aloud in the real window, with the virtual microphone that
// `cargo xtask test` starts: pick the microphone, record while speech plays,
// stop, see the attempt with its duration, play it back; then discard a take
// with Esc and undo it.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, pickVirtualMic, screenshot } from "./harness.mjs";

function speech(dir) {
  const file = join(dir, "answer.wav");
  execFileSync("espeak-ng", [
    "-w",
    file,
    "The situation was a dashboard that showed the wrong numbers. I traced it to a shared cache key, fixed the key, and added a test.",
  ]);
  return file;
}

const text = (browser, id) => browser.$(`[data-testid="${id}"]`).getText();
const seconds = (clock) => {
  const [m, s] = clock.split(":").map(Number);
  return m * 60 + s;
};

test("record an answer with the virtual microphone and play it back", async () => {
  const dataDir = freshDataDir();
  const browser = await launch(dataDir);
  try {
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");

    await pickVirtualMic(browser);

    // Think time counts down first; skip it.
    await browser.$('[data-testid="record"]').click();
    const countdown = await browser.$('[data-testid="think-countdown"]');
    await countdown.waitForExist({ timeout: 5_000 });
    assert.match(await countdown.getText(), /^(20|19)\b/);
    await browser.$('[data-testid="skip-think"]').click();

    const view = await browser.$('[data-testid="answer-aloud"]');
    await browser.waitUntil(async () => (await view.getAttribute("data-phase")) === "recording", { timeout: 10_000 });
    const player = spawn("paplay", ["-d", "virtmic", speech(dataDir)]);
    let loud = false;
    await browser.waitUntil(
      async () => {
        const width = Number(await browser.$('[data-testid="level"]').getAttribute("width"));
        loud ||= width > 60;
        return seconds(await text(browser, "elapsed")) >= 6;
      },
      { timeout: 20_000, interval: 100, timeoutMsg: "the elapsed time never reached 0:06" },
    );
    assert.ok(loud, "the level meter should move while speech plays");
    await screenshot(browser, "record-live");
    await browser.$('[data-testid="stop"]').click();
    player.kill();

    const attempt = await browser.$('[data-testid="attempt"]');
    await attempt.waitForExist({ timeout: 10_000 });
    const ms = Number(await attempt.getAttribute("data-duration-ms"));
    assert.ok(ms >= 5_500 && ms <= 9_000, `attempt lasts ${ms} ms`);
    assert.equal(await attempt.getAttribute("data-state"), "done");

    await attempt.$('[data-testid="attempt-play"]').click();
    const audio = await browser.$('[data-testid="attempt-audio"]');
    await audio.waitForExist({ timeout: 5_000 });
    await browser.waitUntil(
      async () => browser.execute(() => {
        const a = document.querySelector('[data-testid="attempt-audio"]');
        return !!a && a.readyState >= 1 && a.duration > 5;
      }),
      { timeout: 15_000, timeoutMsg: "the recording never loaded in the player" },
    ).catch(async (e) => {
      const why = await browser.$('[data-testid="replay-error"]').getText().catch(() => "no error shown");
      throw new Error(`${e.message}: ${why}`);
    });
    const duration = await browser.execute(() => document.querySelector('[data-testid="attempt-audio"]').duration);
    assert.ok(Math.abs(duration * 1000 - ms) < 100, `player says ${duration} s, attempt ${ms} ms`);
    await screenshot(browser, "record-playback");

    // Keyboard: with think time off, Space starts, Esc discards, Undo restores.
    await browser.$('[data-testid="think-time"]').selectByAttribute("value", "0");
    await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await browser.keys(" ");
    await browser.waitUntil(async () => (await view.getAttribute("data-phase")) === "recording", { timeout: 10_000 });
    await browser.pause(1500);
    await browser.keys("Escape");
    const toast = await browser.$('[data-testid="toast"]');
    await toast.waitForExist({ timeout: 10_000 });
    assert.match(await toast.getText(), /Take discarded/);
    assert.equal((await browser.$$('[data-testid="attempt"]')).length, 1);
    await browser.$('[data-testid="toast-action"]').click();
    assert.equal((await browser.$$('[data-testid="attempt"]')).length, 2);
  } finally {
    await browser.deleteSession();
  }
});
