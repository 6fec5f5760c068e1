// Practice sessions in the real window: a full quiz run scored at the end,
// and a two-question mock interview answered through the virtual microphone.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, pickVirtualMic, screenshot, waitForText } from "./harness.mjs";

/** The quiz questions with their correct option indexes and option count, from the app's own CLI. */
function quizAnswers(dataDir) {
  const out = execFileSync(process.env.STARLING_APP_BIN, ["bank", "list", "--json"], { env: { ...process.env, STARLING_DATA_DIR: dataDir } });
  const answers = new Map();
  for (const q of JSON.parse(out.toString())) {
    if (q.kind === "quiz") answers.set(q.id, { correct: q.options.flatMap((o, i) => (o.correct ? [i] : [])), count: q.options.length });
  }
  return answers;
}

test("a full quiz run: immediate feedback, the explanation, the score at the end", async () => {
  const dataDir = freshDataDir();
  const answers = quizAnswers(dataDir);
  assert.equal(answers.size, 15);
  const browser = await launch(dataDir);
  try {
    await browser.$('[data-testid="start-quiz-run"]').click();
    await browser.$('[data-testid="session-count"]').setValue("4");
    await browser.$('[data-testid="session-start"]').click();
    const pattern = [true, false, true, true];
    for (let i = 0; i < pattern.length; i++) {
      await waitForText(browser, '[data-testid="quiz-position"]', new RegExp(`Question ${i + 1} of 4`));
      const id = await browser.$('[data-testid="prompt"]').getAttribute("data-question-id");
      assert.ok(answers.has(id), `unknown quiz question: ${id}`);
      const { correct, count } = answers.get(id);
      // The new question's options may render a moment after its position.
      await browser.waitUntil(async () => (await browser.$$('[data-testid="quiz-option"]').length) === count, {
        timeout: 5_000,
        timeoutMsg: `the ${count} options of ${id} never showed`,
      });
      const options = await browser.$$('[data-testid="quiz-option"]');
      // A wrong answer: an option that is not correct or, when every option
      // is correct (one question has that), only some of them.
      const wrong = [...options.keys()].find((k) => !correct.includes(k));
      const wrongPick = wrong === undefined ? correct.slice(0, 1) : [wrong];
      for (const k of pattern[i] ? correct : wrongPick) await options[k].click();
      await browser.$('[data-testid="quiz-check"]').click();
      await waitForText(browser, '[data-testid="quiz-verdict"]', pattern[i] ? /Correct/ : /Not quite|Almost/);
      // Right or wrong, the explanation shows at once.
      await browser.$('[data-testid="quiz-explanation"]').waitForExist({ timeout: 5_000 });
      if (i === 1) await screenshot(browser, "quiz-run-feedback");
      await browser.$('[data-testid="quiz-next"]').click();
    }
    await waitForText(browser, '[data-testid="quiz-score"]', /^3 \/ 4$/);
    const marks = await browser.$$('[data-testid="quiz-result"]').map((r) => r.getAttribute("data-correct"));
    assert.deepEqual(marks, ["true", "false", "true", "true"]);
    await screenshot(browser, "quiz-run-score");
    await browser.$('[data-testid="session-close"]').click();
    // The first answers scheduled the four questions.
    await browser.$('[data-testid="mode-today"]').click();
    await waitForText(browser, '[data-testid="today"] .pane-head', /4 scheduled/);
  } finally {
    await browser.deleteSession();
  }
});

test("a two-question mock interview through the virtual microphone", async () => {
  const dataDir = freshDataDir();
  const speech = join(dataDir, "answer.wav");
  execFileSync("espeak-ng", ["-w", speech, "I led the migration, measured every step, and we shipped on time."]);
  const browser = await launch(dataDir);
  try {
    // Choose the virtual microphone once; the choice is remembered.
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await pickVirtualMic(browser);

    await browser.$('[data-testid="start-mock"]').click();
    await browser.$('[data-testid="session-kind-technical"]').click();
    await browser.$('[data-testid="session-kind-coding"]').click();
    await browser.$('[data-testid="session-count"]').setValue("2");
    await browser.$('[data-testid="mock-think"]').selectByAttribute("value", "5");
    await browser.$('[data-testid="mock-limit"]').selectByAttribute("value", "10");
    await browser.$('[data-testid="session-start"]').click();

    const phase = async () => browser.$('[data-testid="answer-aloud"]').getAttribute("data-phase");
    for (let i = 0; i < 2; i++) {
      await waitForText(browser, '[data-testid="mock-position"]', new RegExp(`Question ${i + 1} of 2`), 10_000);
      // Think time first, then recording starts by itself.
      await browser.$('[data-testid="think-countdown"]').waitForExist({ timeout: 5_000 });
      await browser.waitUntil(async () => (await phase()) === "recording", { timeout: 10_000, timeoutMsg: "recording never started" });
      const player = spawn("paplay", ["-d", "virtmic", speech]);
      await new Promise((resolve) => player.on("exit", resolve));
      if (i === 0) {
        await screenshot(browser, "mock-recording");
        await browser.keys(" "); // Space stops the first answer...
      } // ...the second runs into the 10 s limit.
    }
    const summary = await browser.$('[data-testid="mock-summary"]');
    await summary.waitForExist({ timeout: 20_000 });
    const rows = await browser.$$('[data-testid="mock-answer"]');
    assert.equal(rows.length, 2);
    const first = Number(await rows[0].getAttribute("data-duration-ms"));
    const second = Number(await rows[1].getAttribute("data-duration-ms"));
    assert.ok(first >= 3_000 && first < 9_500, `first answer ${first} ms`);
    assert.ok(second >= 9_500 && second <= 10_600, `the second answer stops at the 10 s limit: ${second} ms`);
    await screenshot(browser, "mock-summary");

    // Replay opens the question with the take in its attempts.
    const id = await rows[1].getAttribute("data-question-id");
    await rows[1].$('[data-testid="mock-replay"]').click();
    await browser.$(`[data-testid="question-view"][data-question-id="${id}"]`).waitForExist({ timeout: 5_000 });
    const attempt = await browser.$('[data-testid="attempt"]');
    assert.equal(Number(await attempt.getAttribute("data-duration-ms")), second);
  } finally {
    await browser.deleteSession();
  }
});
