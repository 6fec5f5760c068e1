// The live transcript in the real window: while an answer plays into the
// virtual microphone, its first words appear as a preview before the first
// sentence has even ended (so before its stretch's pause); after Stop the
// transcript is ready from the live pass, equals the one stored, and the
// coaching panel shows pace, the long pause the answer contains, and STAR
// coverage.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, importModel, launch, openQuestion, pickVirtualMic, screenshot, startRecording, wer } from "./harness.mjs";

const SENTENCES = [
  "The situation was a checkout page that timed out during every sale, so customers left full baskets behind.",
  "My task was to make it fast before the next holiday release.",
  "I measured each query, added an index and a cache, and tested it under load.",
  "As a result the page loaded in one second and complaints fell by half.",
];
// Silence after each sentence, in seconds: the third gap is a long pause.
const GAPS = [1.0, 0.8, 2.6, 0.3];

/** The answer as one WAV: espeak-ng sentences joined by sox with known
 *  gaps. Also returns how long the first sentence speaks, in seconds. */
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
  const firstSentence = Number(execFileSync("soxi", ["-D", join(dir, "s0.wav")]).toString());
  return { wav: out, firstSentence };
}

/** The text of the one transcript stored in the data folder's database. */
function storedTranscript(dataDir) {
  const script = `
import sqlite3, sys, os
db = sqlite3.connect(os.path.join(sys.argv[1], "starling.db"))
rows = db.execute("SELECT text FROM transcripts").fetchall()
assert len(rows) == 1, rows
sys.stdout.write(rows[0][0])
`;
  return execFileSync("python3", ["-c", script, dataDir]).toString();
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
    const { wav: speech, firstSentence } = speakAnswer(dataDir);

    const view = await startRecording(browser);
    const playedFrom = Date.now();
    const player = spawn("paplay", ["-d", "virtmic", speech]);
    let played = false;
    player.on("exit", () => (played = true));

    // Before stop, and before the first sentence has finished playing (so
    // before the pause that ends its stretch): its first words are on screen,
    // as a preview of the stretch being spoken.
    const live = await browser.$('[data-testid="live-transcript"]');
    await browser.waitUntil(async () => /checkout|situation/i.test(await live.getText().catch(() => "")), {
      timeout: 30_000,
      interval: 100,
      timeoutMsg: "no live text appeared while recording",
    });
    const seenAfter = (Date.now() - playedFrom) / 1000;
    const fromPreview = await browser.$('[data-testid="live-preview"]').isExisting();
    assert.equal(await view.getAttribute("data-phase"), "recording", "the text came before stop");
    const seenWhile = await live.getText();
    console.log(
      `live words on screen ${seenAfter.toFixed(2)} s after playback started (first sentence ends at ${firstSentence.toFixed(2)} s, preview: ${fromPreview}): ${seenWhile.replace(/\s+/g, " ")}`,
    );
    await screenshot(browser, "live-transcript");
    assert.ok(seenAfter < firstSentence, `the first words came ${seenAfter.toFixed(2)} s in, after the first sentence ended at ${firstSentence.toFixed(2)} s`);
    assert.ok(fromPreview, "the first words were a preview of the stretch still being spoken");

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
    // The window lays the text out word by word; the characters must be the stored ones.
    const squash = (t) => t.replace(/\s+/g, "");
    assert.equal(squash(final), squash(storedTranscript(dataDir)), "the transcript on screen after Stop is the one stored");

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
    // One answer cannot show which path reads better: with tiny.en on 22
    // labelled answers the gap runs from 22.6 points in the live pass's
    // favour to 10.9 against, and on this short answer the live pass read
    // 14-15 points worse in three runs (a word is 1.7 %).
    // That claim is measured pooled over 22 labelled answers in
    // crates/transcribe/tests/live_accuracy.rs. Here the bound only catches
    // a stretch lost or garbled (one sentence of four is about 25 points).
    assert.ok(rate <= wholeRate + 0.25, `live WER ${rate.toFixed(3)} against one pass ${wholeRate.toFixed(3)}`);
  } finally {
    await browser.deleteSession();
  }
});
