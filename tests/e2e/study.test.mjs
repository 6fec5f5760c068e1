// Review and study in the real window: one story linked to two questions,
// a rating that comes due in Today (the clock moved with
// --clock-offset-days), and Markdown notes rendered safely.
import assert from "node:assert/strict";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, screenshot, waitForText } from "./harness.mjs";

test("one story linked to two questions shows on both and in the story bank", async () => {
  const browser = await launch(freshDataDir());
  try {
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await browser.$('[data-testid="new-story-title"]').setValue("The Friday outage");
    await browser.$('[data-testid="new-story-create"]').click();
    await waitForText(browser, '[data-testid="linked-story"]', /The Friday outage/);

    await openQuestion(browser, "tight deadline", "behavior-tight-deadline");
    const select = await browser.$('[data-testid="link-story-select"]');
    await select.waitForExist({ timeout: 5_000 });
    await select.selectByVisibleText("The Friday outage");
    await waitForText(browser, '[data-testid="linked-story"]', /The Friday outage.*answers 2 questions/s);
    await screenshot(browser, "story-linked-twice");

    // Back on the first question the same story now answers two.
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await waitForText(browser, '[data-testid="linked-story"]', /answers 2 questions/);

    // Open it in the story bank: both questions listed; write Markdown with HTML in it.
    await browser.$('[data-testid="linked-story"] .title').click();
    const editor = await browser.$('[data-testid="story-editor"]');
    await editor.waitForExist({ timeout: 5_000 });
    const linked = await browser.$$('[data-testid="story-question"]').map((e) => e.getAttribute("data-id"));
    assert.deepEqual(linked.sort(), ["behavior-difficult-bug", "behavior-tight-deadline"]);
    await browser.$('[data-testid="story-action"]').setValue("Rolled back in **four** minutes <img src=x onerror=\"document.title='pwned'\">");
    await browser.$('[data-testid="story-preview-toggle"]').click();
    const rendered = await browser.$('[data-testid="story-rendered-action"]');
    await waitForText(browser, '[data-testid="story-rendered-action"]', /four/);
    assert.equal(await rendered.$("strong").getText(), "four", "Markdown bold renders");
    assert.equal(await rendered.$("img").isExisting(), false, "no <img> element comes out of a note");
    assert.match(await rendered.getText(), /<img src=x onerror=/, "the HTML shows as text");
    assert.notEqual(await browser.getTitle(), "pwned");
    await screenshot(browser, "story-editor-preview");
  } finally {
    await browser.deleteSession();
  }
});

test("a rated question appears in Today once it is due", async () => {
  const dataDir = freshDataDir();
  let browser = await launch(dataDir);
  try {
    await openQuestion(browser, "tight deadline", "behavior-tight-deadline");
    await browser.$('[data-testid="rate-good"]').click();
    // FSRS schedules a first Good three days out.
    await waitForText(browser, '[data-testid="review-due"]', /due in 3 days/);
    await browser.$('[data-testid="mode-today"]').click();
    await browser.$('[data-testid="today-empty"]').waitForExist({ timeout: 5_000 });
    assert.match(await browser.$('[data-testid="today-empty"]').getText(), /next review is in 3 days/);
    assert.equal(await browser.$('[data-testid="due-badge"]').isExisting(), false);
  } finally {
    await browser.deleteSession();
  }

  browser = await launch(dataDir, { clockOffsetDays: 4 });
  try {
    await waitForText(browser, '[data-testid="due-badge"]', /^1$/);
    await browser.$('[data-testid="mode-today"]').click();
    const item = await browser.$('[data-testid="due-item"][data-id="behavior-tight-deadline"]');
    await item.waitForExist({ timeout: 5_000 });
    assert.match(await item.getText(), /1 day overdue/);
    await screenshot(browser, "today-due");
    // Rating it again (keyboard: 3 is Good) takes it off the list.
    await item.click();
    await browser.$('[data-testid="question-view"][data-question-id="behavior-tight-deadline"]').waitForExist({ timeout: 5_000 });
    await browser.keys("3");
    await browser.$('[data-testid="today-empty"]').waitForExist({ timeout: 5_000 });
    await waitForText(browser, '[data-testid="review-due"]', /2 ratings/);
  } finally {
    await browser.deleteSession();
  }
});
