// Backup → wipe → restore in the real window: notes, a story and a rating
// come back identical (compared through the Markdown export and the views).
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, screenshot, waitForText } from "./harness.mjs";

async function dataDialog(browser) {
  await browser.$('[data-testid="open-data"]').click();
  await browser.$('[data-testid="data-dialog"]').waitForExist({ timeout: 5_000 });
}

async function exportNotes(browser, path) {
  await browser.$('[data-testid="notes-path"]').setValue(path);
  await browser.$('[data-testid="notes-export"]').click();
  await waitForText(browser, '[data-testid="data-message"]', /bytes of Markdown/);
  return readFileSync(path, "utf8");
}

test("backup, wipe, restore gives back the same notes, stories and schedule", async () => {
  const dataDir = freshDataDir();
  const outside = freshDataDir();
  const archive = join(outside, "backup.zip");
  let browser = await launch(dataDir);
  let before;
  try {
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    await browser.$('[data-testid="star-situation"]').setValue("Checkout failed for 3 % of users — only on Safari.");
    await browser.$('[data-testid="new-story-title"]').setValue("Safari checkout bug");
    await browser.$('[data-testid="new-story-create"]').click();
    await waitForText(browser, '[data-testid="linked-story"]', /Safari checkout bug/);
    await browser.$('[data-testid="rate-hard"]').click();
    await waitForText(browser, '[data-testid="review-due"]', /due in 2 days/);

    await dataDialog(browser);
    before = await exportNotes(browser, join(outside, "before.md"));
    assert.match(before, /Safari checkout bug/);
    assert.match(before, /only on Safari/);
    await browser.$('[data-testid="backup-path"]').setValue(archive);
    await browser.$('[data-testid="backup-export"]').click();
    const done = await waitForText(browser, '[data-testid="data-message"]', /Backed up/);
    assert.match(done, /1 notes, 1 stories, 1 ratings/);
  } finally {
    await browser.deleteSession();
  }

  rmSync(dataDir, { recursive: true, force: true });
  browser = await launch(dataDir);
  try {
    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    assert.equal(await browser.$('[data-testid="star-situation"]').getValue(), "", "the wipe removed the note");
    await dataDialog(browser);
    await browser.$('[data-testid="restore-path"]').setValue(archive);
    await browser.$('[data-testid="restore-start"]').click();
    await browser.$('[data-testid="restore-confirm"]').click();
    const restored = await waitForText(browser, '[data-testid="data-message"]', /Restored/, 15_000);
    assert.match(restored, /1 notes, 1 stories, 1 ratings/);
    assert.match(restored, /previous data is kept in .*before-restore-/);
    const after = await exportNotes(browser, join(outside, "after.md"));
    assert.equal(after, before, "the notes and stories are identical");
    await screenshot(browser, "backup-restored");
    await browser.keys("Escape");

    await openQuestion(browser, "difficult bug", "behavior-difficult-bug");
    assert.equal(await browser.$('[data-testid="star-situation"]').getValue(), "Checkout failed for 3 % of users — only on Safari.");
    await waitForText(browser, '[data-testid="linked-story"]', /Safari checkout bug/);
    await waitForText(browser, '[data-testid="review-due"]', /due in 2 days · 1 rating\b/);
  } finally {
    await browser.deleteSession();
  }
});
