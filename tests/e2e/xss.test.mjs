// Script injection in the real window: HTML and JavaScript payloads placed
// in a question deck, typed into a STAR note (and shown as rendered
// Markdown), and stored in a transcript are shown as text; none of them runs,
// adds an element, or leaves a javascript: link. And the page's file access:
// the asset protocol serves a recording, but not the database, a path that
// climbs out of the recordings folder, or a system file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { freshDataDir, launch, openQuestion, screenshot } from "./harness.mjs";

const ID = "xss-probe";
const payloads = (where) => [
  `<img src=x onerror="window.__xss='${where}-img'">`,
  `<script>window.__xss='${where}-script'</script>`,
  `<svg onload="window.__xss='${where}-svg'"></svg>`,
  `<iframe src="javascript:window.__xss='${where}-iframe'"></iframe>`,
  `[click me](javascript:window.__xss='${where}-link')`,
];

/** Fails when any payload ran or left a live element behind. */
async function nothingRan(browser, where) {
  const found = await browser.execute(() => ({
    flag: window.__xss ?? null,
    injected: document.querySelectorAll('img[src="x"], iframe, svg[onload], [onerror], [onload]').length,
    inlineScripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length,
    jsLinks: [...document.querySelectorAll("a[href]")].filter((a) => /^\s*javascript:/i.test(a.getAttribute("href"))).length,
  }));
  assert.deepEqual(found, { flag: null, injected: 0, inlineScripts: 0, jsLinks: 0 }, `after the ${where} payloads`);
}

test("payloads in a deck, a note and a transcript never run; only recordings are served", async () => {
  const dataDir = freshDataDir();
  mkdirSync(join(dataDir, "decks"), { recursive: true });
  const toml = (s) => JSON.stringify(s); // a TOML basic string is a JSON string here
  writeFileSync(
    join(dataDir, "decks", "xss.toml"),
    `[deck]\nname = ${toml("Probe " + payloads("deck-name")[0])}\n\n[[question]]\nid = "${ID}"\nkind = "behavioral"\narea = "Behavioral"\n` +
      `prompt = ${toml("Zebra probe " + payloads("prompt").join(" "))}\n` +
      `sample_answer = ${toml(payloads("sample").join("\n\n"))}\n`,
  );

  let browser = await launch(dataDir);
  try {
    await openQuestion(browser, "zebra probe", ID);
    const prompt = await browser.$('[data-testid="prompt"]').getText();
    assert.ok(prompt.includes(`<img src=x onerror="window.__xss='prompt-img'">`), `the prompt shows the markup as text: ${prompt}`);
    const reveal = await browser.$('[data-testid="reveal"]');
    if (await reveal.isExisting()) await reveal.click();
    await nothingRan(browser, "deck");

    const note = payloads("note").join("\n\n");
    await browser.$('[data-testid="star-situation"]').setValue(note);
    const status = await browser.$('[data-testid="save-state"]');
    await browser.waitUntil(async () => (await status.getAttribute("data-state")) === "saved", { timeout: 5_000, timeoutMsg: "the note never saved" });
    await browser.$('[data-testid="notes-preview-toggle"]').click();
    const rendered = await browser.$('[data-testid="rendered-situation"]');
    await rendered.waitForExist({ timeout: 5_000 });
    assert.match(await rendered.getText(), /click me/);
    await nothingRan(browser, "note");
    await screenshot(browser, "xss-note-preview");
  } finally {
    await browser.deleteSession();
  }

  // A transcript holding the payloads, stored as a transcription would.
  const words = payloads("transcript").map((text, i) => ({ text, start_ms: i * 500, end_ms: i * 500 + 400, probability: 0.9 }));
  const segments = JSON.stringify([{ start_ms: 0, end_ms: 2500, text: words.map((w) => w.text).join(" "), words }]);
  const script = `
import sqlite3, sys, wave, os
data, segments = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(data, "recordings"), exist_ok=True)
with wave.open(os.path.join(data, "recordings", "probe.wav"), "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000); w.writeframes(b"\\0\\0" * 16000)
db = sqlite3.connect(os.path.join(data, "starling.db"))
cur = db.execute("INSERT INTO attempts (question_id, state, started_ms, ended_ms, duration_ms, audio_file, transcription) VALUES ('${ID}', 'done', 1000, 2000, 1000, 'probe.wav', 'done')")
db.execute("INSERT INTO transcripts (attempt_id, model, text, created_ms, segments_json, audio_ms, elapsed_ms) VALUES (?, 'tiny.en', ?, 0, ?, 1000, 10)", (cur.lastrowid, "probe", segments))
db.commit()
`;
  execFileSync("python3", ["-c", script, dataDir, segments]);

  browser = await launch(dataDir);
  try {
    await openQuestion(browser, "zebra probe", ID);
    const text = await browser.$('[data-testid="transcript-text"]');
    await text.waitForExist({ timeout: 5_000 });
    const shown = await text.getText();
    assert.ok(shown.includes("<script>window.__xss='transcript-script'</script>"), `the transcript shows the markup as text: ${shown}`);
    await nothingRan(browser, "transcript");
    await screenshot(browser, "xss-transcript");

    // The asset protocol serves recordings for playback, and nothing else.
    const paths = {
      recording: join(dataDir, "recordings", "probe.wav"),
      database: join(dataDir, "starling.db"),
      climbing: join(dataDir, "recordings", "..", "starling.db"),
      system: "/etc/passwd",
    };
    const served = await browser.executeAsync((paths, done) => {
      const probe = async (p) => {
        try {
          const r = await fetch(window.__TAURI_INTERNALS__.convertFileSrc(p, "asset"));
          return r.ok ? (await r.arrayBuffer()).byteLength : `refused ${r.status}`;
        } catch (e) {
          return `refused (${e.message})`;
        }
      };
      Promise.all(Object.entries(paths).map(async ([k, p]) => [k, await probe(p)])).then((v) => done(Object.fromEntries(v)));
    }, paths);
    assert.equal(served.recording, 44 + 32000, `the recording plays: ${JSON.stringify(served)}`);
    for (const k of ["database", "climbing", "system"]) {
      assert.match(String(served[k]), /^refused/, `${k} must not be served: ${JSON.stringify(served)}`);
    }
  } finally {
    await browser.deleteSession();
  }
});
