// Shared set-up for the end-to-end tests: starts Starling in its real window
// through tauri-driver (started by `cargo xtask test`), each test with its own
// data folder, and keeps screenshots as artifacts.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remote } from "webdriverio";

const app = process.env.STARLING_APP_BIN;
const port = Number(process.env.WEBDRIVER_PORT);
const artifacts = process.env.STARLING_E2E_ARTIFACTS ?? join(import.meta.dirname, "artifacts");
if (!app || !port) {
  throw new Error("Run these tests with `cargo xtask test`: it builds the app and starts Xvfb and tauri-driver.");
}

/** A fresh, empty data folder for one test. */
export function freshDataDir() {
  return mkdtempSync(join(tmpdir(), "starling-e2e-"));
}

/**
 * Starts Starling on `dataDir` and waits until the question list is shown.
 * `clockOffsetDays` runs the review scheduler that many days ahead.
 */
export async function launch(dataDir, { clockOffsetDays } = {}) {
  const args = ["--data-dir", dataDir];
  if (clockOffsetDays !== undefined) args.push("--clock-offset-days", String(clockOffsetDays));
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      connectionRetryCount: 2,
      capabilities: {
        browserName: "wry",
        "wdio:enforceWebDriverClassic": true,
        "tauri:options": { application: app, args },
      },
    });
  } catch (e) {
    throw new Error(`${e.message}\n${diagnostics(dataDir)}`, { cause: e });
  }
  await browser.$('[data-testid="question-item"]').waitForExist({ timeout: 20_000 });
  return browser;
}

/**
 * What a failed launch leaves to look at: the processes of the app and of
 * WebKit, and the end of tauri-driver's log (which has the app's stderr).
 */
function diagnostics(dataDir) {
  let processes = "";
  try {
    processes = execFileSync("ps", ["-eo", "pid,ppid,stat,etime,pcpu,args", "--sort=pid"]).toString()
      .split("\n").filter((l) => /starling|WebKit|tauri-driver|PID/.test(l)).join("\n");
  } catch (e) {
    processes = `(ps failed: ${e.message})`;
  }
  let log = "";
  try {
    log = readFileSync(join(artifacts, "tauri-driver.log"), "utf8").split("\n").filter((l) => !/^ALSA lib|[Jj]ack/.test(l)).slice(-40).join("\n");
  } catch (e) {
    log = `(no tauri-driver log: ${e.message})`;
  }
  return `Launching Starling on ${dataDir} failed.\nProcesses:\n${processes}\nEnd of tauri-driver's log:\n${log}`;
}

/**
 * Waits until no process has `dataDir` on its command line any more (the
 * app and its transcription workers), so a relaunch meets a quiet folder.
 */
export async function waitForExit(dataDir, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let running = "";
    try {
      running = execFileSync("pgrep", ["-af", "--", dataDir]).toString().trim();
    } catch {
      return; // pgrep exits 1 when nothing matches
    }
    if (Date.now() > deadline) throw new Error(`processes on ${dataDir} still running after ${timeout} ms:\n${running}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Saves a screenshot of the window under the artifacts folder. */
export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  await browser.saveScreenshot(join(artifacts, `${name}.png`));
}

/** Opens the question with `id` by searching for words of its prompt. */
export async function openQuestion(browser, searchWords, id) {
  const search = await browser.$('[data-testid="search"]');
  await search.setValue(searchWords);
  const item = await browser.$(`[data-testid="question-item"][data-id="${id}"]`);
  await item.waitForExist({ timeout: 5_000 });
  await item.click();
  await browser.$(`[data-testid="question-view"][data-question-id="${id}"]`).waitForExist({ timeout: 5_000 });
}

/** Waits until `selector` shows text matching `pattern`; returns the text. */
export async function waitForText(browser, selector, pattern, timeout = 5_000) {
  let text = "";
  await browser.waitUntil(
    async () => {
      const el = await browser.$(selector);
      text = (await el.isExisting()) ? await el.getText() : "";
      return pattern.test(text);
    },
    { timeout, timeoutMsg: `${selector} never matched ${pattern} (last: "${text}")` },
  );
  return text;
}

/** Word error rate after lower-casing and dropping punctuation. */
export function wer(reference, hypothesis) {
  const words = (t) => t.toLowerCase().replace(/[^a-z0-9' ]/g, " ").split(/\s+/).filter(Boolean);
  const r = words(reference);
  const h = words(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1);
    prev = cur;
  }
  return prev[h.length] / r.length;
}

/** Picks the PulseAudio device in the open question's microphone list: the
 *  virtual microphone is its default source. The choice is remembered. */
export async function pickVirtualMic(browser) {
  const picker = await browser.$('[data-testid="mic-picker"]');
  await browser.waitUntil(async () => (await picker.isEnabled()) && (await picker.$$("option").length) > 1, {
    timeout: 15_000,
    timeoutMsg: "the microphone list never loaded",
  });
  const names = await browser.execute(() => [...document.querySelectorAll('[data-testid="mic-picker"] option')].map((o) => o.value));
  const pulse = names.find((n) => /pulse/i.test(n));
  assert.ok(pulse, `no PulseAudio device among ${JSON.stringify(names)}`);
  await picker.selectByAttribute("value", pulse);
}

/** Imports a model file or CTranslate2 folder in the open models dialog and
 *  waits for its row; fails with the dialog's error if there is one. */
export async function importModel(browser, path, name) {
  await browser.$('[data-testid="model-path"]').setValue(path);
  await browser.$('[data-testid="model-name"]').setValue(name);
  await browser.$('[data-testid="model-import"]').click();
  await browser.waitUntil(
    async () => (await browser.$('[data-testid="model-imported"]').isExisting()) || (await browser.$('[data-testid="model-error"]').isExisting()),
    { timeout: 240_000, interval: 250, timeoutMsg: `importing ${name} took too long` },
  );
  assert.equal(await browser.$('[data-testid="model-error"]').isExisting(), false, await browser.$('[data-testid="model-error"]').getText().catch(() => ""));
  await browser.$(`[data-testid="model-row"][data-name="${name}"]`).waitForExist({ timeout: 5_000 });
}

/** Presses Record once the button can take a click (the microphone list
 *  loads after the question opens, and the button is disabled until then),
 *  skips think time if asked, and waits until the take is recording.
 *  Returns the answer view. */
export async function startRecording(browser, { skipThink = false } = {}) {
  const record = await browser.$('[data-testid="record"]');
  await record.waitForClickable({ timeout: 15_000, timeoutMsg: "the Record button never became clickable" });
  await record.click();
  if (skipThink) await browser.$('[data-testid="skip-think"]').click();
  const view = await browser.$('[data-testid="answer-aloud"]');
  await browser.waitUntil(async () => (await view.getAttribute("data-phase")) === "recording", {
    timeout: 10_000,
    timeoutMsg: "the take never started recording",
  });
  return view;
}

/** Plays a WAV file into the virtual microphone; resolves when it has played. */
export function playIntoMic(wav) {
  const player = spawn("paplay", ["-d", "virtmic", wav]);
  return new Promise((resolve, reject) => {
    player.on("error", reject);
    player.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited with ${code} playing ${wav}`))));
  });
}

/** One whole take: record, play the WAV into the microphone, let the last
 *  buffer arrive, stop. Returns the answer view. */
export async function recordTake(browser, wav) {
  const view = await startRecording(browser);
  await playIntoMic(wav);
  await browser.pause(500);
  await browser.$('[data-testid="stop"]').click();
  return view;
}

/** The built-in questions, counted from the deck files in `questions/`
 *  (one `[[question]]` table each): the total and how many are of `kind`. */
export function builtinQuestions(kind) {
  const dir = join(import.meta.dirname, "..", "..", "questions");
  let total = 0;
  let ofKind = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".toml"))) {
    const lines = readFileSync(join(dir, file), "utf8").split("\n").map((l) => l.trim());
    total += lines.filter((l) => l === "[[question]]").length;
    if (kind) ofKind += lines.filter((l) => l === `kind = "${kind}"`).length;
  }
  assert.ok(total > 0, `no questions found in ${dir}`);
  return { total, ofKind };
}
