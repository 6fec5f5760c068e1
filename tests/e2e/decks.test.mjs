// Your own questions and decks in the real window: write a quiz question,
// answer it, edit it, export your deck, delete with undo; a broken deck file
// is refused on import with its file and line.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { builtinQuestions, freshDataDir, launch, screenshot, waitForText } from "./harness.mjs";

const builtin = builtinQuestions().total;

test("write, answer, edit, export and delete your own question; a broken deck is refused", async () => {
  const dataDir = freshDataDir();
  const outside = freshDataDir();
  const browser = await launch(dataDir);
  try {
    await browser.$('[data-testid="new-question"]').click();
    await browser.$('[data-testid="qe-kind"]').selectByAttribute("value", "quiz");
    await browser.$('[data-testid="qe-area"]').selectByAttribute("value", "Databases & SQL");
    await browser.$('[data-testid="qe-prompt"]').setValue("Which isolation level prevents phantom reads?");
    const texts = await browser.$$('[data-testid="qe-option-text"]');
    await texts[0].setValue("Read committed");
    await texts[1].setValue("Serializable");
    // No correct option chosen yet beyond the default first one: make B the right one.
    await (await browser.$$('[data-testid="qe-option-correct"]'))[1].click();
    // A quiz question must explain its answer, as in the built-in bank.
    await browser.$('[data-testid="qe-save"]').click();
    await waitForText(browser, '[data-testid="qe-error"]', /missing field `explanation`/);
    await browser.$('[data-testid="qe-explanation"]').setValue("Only serializable rules out phantoms; repeatable read may still see them.");
    await browser.$('[data-testid="qe-save"]').click();

    const view = await browser.$('[data-testid="question-view"][data-question-id="my-which-isolation-level-prevents-phantom-reads"]');
    await view.waitForExist({ timeout: 5_000 }).catch(async (e) => {
      await screenshot(browser, "own-question-failed");
      const why = await browser.$('[data-testid="qe-error"]').getText().catch(() => "no error shown");
      throw new Error(`${e.message}: ${why}`);
    });
    await waitForText(browser, '[data-testid="result-count"]', new RegExp(`${builtin + 1} questions`));
    const options = await browser.$$('[data-testid="quiz-option"]');
    await options[1].click();
    await browser.$('[data-testid="quiz-check"]').click();
    await waitForText(browser, '[data-testid="quiz-verdict"]', /Correct/);
    await screenshot(browser, "own-question");

    await browser.$('[data-testid="edit-question"]').click();
    await browser.$('[data-testid="qe-prompt"]').setValue("Which SQL isolation level prevents phantom reads?");
    await browser.$('[data-testid="qe-save"]').click();
    await waitForText(browser, '[data-testid="prompt"]', /Which SQL isolation level/);

    await browser.$('[data-testid="open-data"]').click();
    const out = join(outside, "mine.toml");
    await browser.$('[data-testid="deck-export-id"]').selectByAttribute("value", "my-questions");
    await browser.$('[data-testid="deck-export-path"]').setValue(out);
    await browser.$('[data-testid="deck-export"]').click();
    await waitForText(browser, '[data-testid="data-message"]', /bytes to/);
    const exported = readFileSync(out, "utf8");
    assert.match(exported, /prompt = "Which SQL isolation level prevents phantom reads\?"/);
    assert.match(exported, /\[\[question\.option\]\]\s+text = "Serializable"\s+correct = true/);

    const broken = join(outside, "team.toml");
    writeFileSync(broken, '[[question]]\nid = "team-1"\nkind = "behavioral"\narea = "Cooking"\nprompt = "Why us?"\n');
    await browser.$('[data-testid="deck-import-path"]').setValue(broken);
    await browser.$('[data-testid="deck-import"]').click();
    const why = await waitForText(browser, '[data-testid="data-error"]', /team\.toml:4:/);
    assert.match(why, /unknown area `Cooking`/);
    await screenshot(browser, "deck-import-refused");
    await browser.keys("Escape");

    await browser.$('[data-testid="delete-question"]').click();
    await waitForText(browser, '[data-testid="result-count"]', new RegExp(`${builtin} questions`)).catch(async (e) => {
      await screenshot(browser, "own-question-delete-failed");
      throw e;
    });
    await browser.$('[data-testid="toast-action"]').click();
    await waitForText(browser, '[data-testid="result-count"]', new RegExp(`${builtin + 1} questions`));
  } finally {
    await browser.deleteSession();
  }
});
