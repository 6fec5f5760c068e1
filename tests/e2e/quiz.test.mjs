// A quiz question answered wrongly, then rightly, shows the verdicts and the explanation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, screenshot } from "./harness.mjs";

test("quiz: wrong then right shows the explanation", async () => {
  const browser = await launch(freshDataDir());
  try {
    await openQuestion(browser, "lacks permission", "quiz-http-403-forbidden");
    const options = await browser.$$('[data-testid="quiz-option"]');
    assert.equal(options.length, 4);

    await options[1].click(); // 401 Unauthorized: wrong
    await browser.$('[data-testid="quiz-check"]').click();
    const verdict = await browser.$('[data-testid="quiz-verdict"]');
    await verdict.waitForExist({ timeout: 5_000 });
    assert.match(await verdict.getText(), /Not quite/);
    // A wrong answer does not give the right one away.
    assert.equal(await browser.$('[data-testid="quiz-explanation"]').isExisting(), false);
    assert.equal(await (await browser.$$('[data-testid="quiz-option"]'))[1].getAttribute("class").then((c) => c.includes("wrong")), true);
    await screenshot(browser, "quiz-wrong");

    await (await browser.$$('[data-testid="quiz-option"]'))[2].click(); // 403 Forbidden: right
    await browser.$('[data-testid="quiz-check"]').click();
    await browser.waitUntil(async () => /Correct/.test(await browser.$('[data-testid="quiz-verdict"]').getText()), {
      timeout: 5_000,
      timeoutMsg: "the right answer was not marked correct",
    });
    const explanation = await browser.$('[data-testid="quiz-explanation"]').getText();
    assert.match(explanation, /403 Forbidden is correct when the request is authenticated/);
    await screenshot(browser, "quiz-right");
  } finally {
    await browser.deleteSession();
  }
});
