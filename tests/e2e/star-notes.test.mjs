// STAR notes typed into a behavioral question survive closing and reopening the app.
import assert from "node:assert/strict";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, screenshot } from "./harness.mjs";

const QUESTION = "behavior-difficult-bug";
const NOTES = {
  situation: "Our analytics dashboard showed other customers' numbers after a caching change.",
  task: "I owned the fix and had to find the cause within a day.",
  action: "I reproduced it, logged cache keys, and found user IDs missing from the key.",
  result: "Fixed the key, added a regression test; no recurrence in six months.",
};

test("STAR notes persist across an app restart", async () => {
  const dataDir = freshDataDir();

  let browser = await launch(dataDir);
  try {
    await openQuestion(browser, "difficult bug", QUESTION);
    for (const [field, text] of Object.entries(NOTES)) {
      await browser.$(`[data-testid="star-${field}"]`).setValue(text);
    }
    const status = await browser.$('[data-testid="save-state"]');
    await browser.waitUntil(async () => (await status.getAttribute("data-state")) === "saved", {
      timeout: 5_000,
      timeoutMsg: "the notes never reached the saved state",
    });
    assert.match(await status.getText(), /^Saved/);
    await screenshot(browser, "star-notes-typed");
  } finally {
    await browser.deleteSession();
  }

  browser = await launch(dataDir);
  try {
    // The list marks the question as having notes before it is opened.
    const item = await browser.$(`[data-testid="question-item"][data-id="${QUESTION}"]`);
    assert.equal(await item.$(".noted").isExisting(), true, "the list should flag the question as noted");
    await openQuestion(browser, "difficult bug", QUESTION);
    for (const [field, text] of Object.entries(NOTES)) {
      assert.equal(await browser.$(`[data-testid="star-${field}"]`).getValue(), text, `${field} after restart`);
    }
    await screenshot(browser, "star-notes-after-restart");
  } finally {
    await browser.deleteSession();
  }
});
