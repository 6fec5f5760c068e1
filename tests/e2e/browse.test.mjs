// Browsing: filters, keyboard navigation, reveal, and a broken user deck reported
// in the window while the rest of the bank still loads.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { builtinQuestions, freshDataDir, launch, screenshot } from "./harness.mjs";

test("browse with filters and the keyboard; broken user decks are reported", async () => {
  const dataDir = freshDataDir();
  mkdirSync(join(dataDir, "decks"), { recursive: true });
  writeFileSync(join(dataDir, "decks", "broken.toml"), '[[question]]\nid = "mine"\nkind = "essay"\narea = "Python"\nprompt = "?"\n');

  const browser = await launch(dataDir);
  try {
    await screenshot(browser, "browse-start");
    const { total, ofKind: behavioral } = builtinQuestions("behavioral");
    assert.equal(await browser.$('[data-testid="result-count"]').getText(), `${total} questions`);

    const banner = await browser.$('[data-testid="deck-problems"]');
    assert.match(await banner.getText(), /1 deck skipped/);
    await banner.$("button").click();
    assert.match(await banner.getText(), /broken\.toml:3 unknown kind `essay`/);

    await browser.$('[data-testid="kind-behavioral"]').click();
    assert.equal(await browser.$('[data-testid="result-count"]').getText(), `${behavioral} of ${total}`);

    // Keyboard: j opens the first question, j again the second, r reveals.
    await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await browser.keys("j");
    const view = await browser.$('[data-testid="question-view"]');
    await view.waitForExist({ timeout: 5_000 });
    const first = await view.getAttribute("data-question-id");
    await browser.keys("j");
    await browser.waitUntil(async () => (await view.getAttribute("data-question-id")) !== first, { timeout: 5_000 });
    await browser.keys("r");
    const revealed = await browser.$('[data-testid="revealed"]');
    await revealed.waitForExist({ timeout: 5_000 });
    assert.match(await revealed.getText(), /Sample answer/i);
    await screenshot(browser, "browse-revealed");

    // t cycles the theme (system, light, dark); a fresh profile starts at system.
    await browser.execute(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    const theme = () => browser.execute(() => document.documentElement.dataset.theme);
    await browser.keys("t");
    assert.equal(await theme(), "light");
    await browser.keys("t");
    assert.equal(await theme(), "dark");
    await screenshot(browser, "browse-dark");

    // A search with no hits shows the empty state.
    await browser.$('[data-testid="search"]').setValue("zzzz-no-such-word");
    await browser.$('[data-testid="empty-list"]').waitForExist({ timeout: 5_000 });
  } finally {
    await browser.deleteSession();
  }
});
