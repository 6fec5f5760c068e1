// The live transcript in the real window: while an answer plays into the
// virtual microphone, its first sentences appear before Stop is pressed; after
// Stop the transcript is ready from the live pass and the coaching panel shows
// pace, the long pause the answer contains, and STAR coverage.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, importModel, launch, openQuestion, pickVirtualMic, screenshot, startRecording, wer } from "./harness.mjs";

const SENTENCES = [
  "The situation was a checkout page that timed out during every sale.",
  "My task was to make it fast before the next holiday release.",
  "I measured each query, added an index and a cache, and tested it under load.",
  "As a result the page loaded in one second and complaints fell by half.",
];
// Silence after each sentence, in seconds: the third gap is a long pause.
const GAPS = [1.0, 0.8, 2.6, 0.3];

/** The answer as one WAV: espeak-ng sentences joined by sox with known gaps. */
function speakAnswer(dir) {
  const parts = SENTENCES.map((s, i) => {
    const raw = join(dir, `s${i}.wav`);
    const padded = join(dir, `p${i}.wav`);
    execFileSync("espeak-ng", ["-w", raw, s]);
    execFileSync("sox", [raw, "-r", "16000", "-c", "1", padded, "pad", "0", String(GAPS[i])]);
    return padded;
  });
  const out = join(dir, "answer.wav");
  execFileSync("sox", [...parts, out]);
  return out;
}

test("text appears while speaking; after stop the transcript and coaching follow at once", async () => {
  const tiny = process.env.STARLING_CT2_TINY_EN;
  assert.ok(tiny, "STARLING_CT2_TINY_EN must name the cached model folder");
  const dataDir = freshDataDir();
  const browser = await launch(dataDir);
  try {
    await browser.$('[data-testid="open-models"]').click();
    await importModel(browser, tiny, "tiny.en");
    await browser.keys("Escape");

    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await pickVirtualMic(browser);
    await browser.$('[data-testid="think-time"]').selectByAttribute("value", "0");
    const speech = speakAnswer(dataDir);

    const view = await startRecording(browser);
    const player = spawn("paplay", ["-d", "virtmic", speech]);
    let played = false;
    player.on("exit", () => (played = true));

    // Before stop: the first sentence's words show up while the take records.
    const live = await browser.$('[data-testid="live-transcript"]');
    await browser.waitUntil(async () => /checkout|situation/i.test(await live.getText().catch(() => "")), {
      timeout: 30_000,
      interval: 200,
      timeoutMsg: "no live text appeared while recording",
    });
    assert.equal(await view.getAttribute("data-phase"), "recording", "the text came before stop");
    const seenWhile = await live.getText();
    console.log(`live, ${played ? "after" : "during"} playback: ${seenWhile.replace(/\s+/g, " ")}`);
    await screenshot(browser, "live-transcript");

    await new Promise((resolve) => (played ? resolve() : player.on("exit", resolve)));
    await browser.pause(700);
    await browser.$('[data-testid="stop"]').click();
    const stoppedAt = Date.now();
    const text = await browser.$('[data-testid="transcript-text"]');
    await text.waitForExist({ timeout: 60_000, timeoutMsg: "no transcript after stop" });
    console.log(`stop to transcript on screen: ${Date.now() - stoppedAt} ms`);
    const final = await text.getText();
    const rate = wer(SENTENCES.join(" "), final);
    console.log(`final transcript: WER ${(rate * 100).toFixed(1)} %: ${final}`);
    assert.ok(rate <= 0.5, `WER ${rate.toFixed(2)}: ${final}`);
    assert.equal(await text.getAttribute("data-model"), "tiny.en");
    assert.equal(await text.getAttribute("data-source"), "live", "the live transcript was kept, not replaced by the one-pass fallback");

    const coaching = await browser.$('[data-testid="coaching"]');
    await coaching.waitForExist({ timeout: 10_000 });
    const wpm = Number(await coaching.getAttribute("data-wpm"));
    assert.ok(wpm > 80 && wpm < 300, `pace ${wpm} wpm`);
    assert.equal(await coaching.getAttribute("data-pauses"), "1", "the 2.6 s gap is the one pause over 2 s");
    const chips = await browser.$$('[data-testid="coach-star"] .chip.on').map((c) => c.getText());
    for (const part of ["Situation", "Task", "Result"]) assert.ok(chips.includes(part), `${part} covered: ${chips}`);
    await screenshot(browser, "live-coaching");

    // As good as one pass: transcribe the same take again with the same
    // model, the whole file at once, and compare.
    await browser.$('[data-testid="retranscribe-model"]').selectByAttribute("value", "tiny.en");
    await browser.$('[data-testid="retranscribe"]').click();
    const status = await browser.$('[data-testid="transcription"]');
    await browser.waitUntil(async () => ["queued", "running"].includes(await status.getAttribute("data-state")), { timeout: 10_000, interval: 50 });
    await browser.waitUntil(async () => (await status.getAttribute("data-state")) === "done", { timeout: 120_000, timeoutMsg: "the one-pass transcript never came" });
    const whole = await browser.$('[data-testid="transcript-text"]').getText();
    assert.equal(await browser.$('[data-testid="transcript-text"]').getAttribute("data-source"), "one_pass");
    const wholeRate = wer(SENTENCES.join(" "), whole);
    console.log(`one pass: WER ${(wholeRate * 100).toFixed(1)} %: ${whole}`);
    // tiny.en on four short espeak sentences is noisy (a word is 1.9 %);
    // the stricter comparison, on longer stretches, is the real-audio test
    // in crates/transcribe/tests/real_model.rs.
    assert.ok(rate <= wholeRate + 0.15, `live WER ${rate.toFixed(3)} against one pass ${wholeRate.toFixed(3)}`);
  } finally {
    await browser.deleteSession();
  }
});
