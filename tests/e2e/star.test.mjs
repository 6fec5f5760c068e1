// STAR coaching in the real window: the same spoken answer recorded twice
// through the virtual microphone, first without a Result sentence and then
// with one. The first shows "no Result"; the second does not, and its Result
// chip is lit. Both are transcribed by a real Whisper model (tiny.en).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, importModel, launch, openQuestion, pickVirtualMic, recordTake, screenshot } from "./harness.mjs";

const STORY = [
  "The situation was a checkout page that timed out during every sale.",
  "My task was to make it fast before the holiday release.",
  "I measured each query and added an index and a cache.",
];
const RESULT = "As a result the page loaded in one second and complaints fell by half.";
const tiny = process.env.STARLING_CT2_TINY_EN;

/** Records `text` spoken by espeak-ng and waits for the coaching of the new take. */
async function answer(browser, dataDir, name, text, transcriptPattern) {
  const speech = join(dataDir, `${name}.wav`);
  execFileSync("espeak-ng", ["-w", speech, text]);
  await recordTake(browser, speech);
  // Every attempt is listed with its own transcript and coaching: find the
  // one whose transcript is this take's.
  let take;
  await browser.waitUntil(
    async () => {
      for (const attempt of await browser.$$('[data-testid="attempt"]')) {
        const transcript = await attempt.$('[data-testid="transcript-text"]');
        if ((await transcript.isExisting()) && transcriptPattern.test(await transcript.getText())) {
          take = attempt;
          return true;
        }
      }
      return false;
    },
    { timeout: 120_000, interval: 250, timeoutMsg: `the transcript of the ${name} take never appeared` },
  );
  const said = await take.$('[data-testid="transcript-text"]').getText();
  const coaching = await take.$('[data-testid="coaching"]');
  await coaching.waitForExist({ timeout: 10_000 });
  const chips = await take.$$('[data-testid="coach-star"] .chip.on').map((c) => c.getText());
  console.log(`${name}: "${said}" → STAR ${chips.join(", ")}`);
  return { said, chips, text: await coaching.getText() };
}

test("an answer without a Result is told so; the same answer with one is not", async () => {
  assert.ok(tiny, "STARLING_CT2_TINY_EN must name the cached tiny.en model folder");
  const dataDir = freshDataDir();
  const browser = await launch(dataDir);
  try {
    await browser.$('[data-testid="open-models"]').click();
    await importModel(browser, tiny, "tiny.en");
    await browser.keys("Escape");
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await pickVirtualMic(browser);
    await browser.$('[data-testid="think-time"]').selectByAttribute("value", "0");

    const without = await answer(browser, dataDir, "without-result", STORY.join(" "), /index/i);
    assert.doesNotMatch(without.said, /result/i, "the first take has no Result sentence");
    assert.match(without.text, /no Result/);
    assert.ok(!without.chips.includes("Result"), `Result is not covered: ${without.chips}`);
    await screenshot(browser, "star-no-result");

    const withResult = await answer(browser, dataDir, "with-result", [...STORY, RESULT].join(" "), /result/i);
    assert.doesNotMatch(withResult.text, /no Result/);
    assert.ok(withResult.chips.includes("Result"), `Result is covered: ${withResult.chips}`);
    await screenshot(browser, "star-with-result");
  } finally {
    await browser.deleteSession();
  }
});
