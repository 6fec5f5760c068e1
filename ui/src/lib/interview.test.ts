import { describe, expect, it } from "vitest";
import type { Attempt, InterviewEvent } from "./bindings";
import { DEFAULT_INTERVIEW, InterviewSession, loadInterviewPrefs, saveInterviewPrefs, type InterviewCommands } from "./interview.svelte";

function attempt(id: number, follow_up_of: number | null = null): Attempt {
  return { id, question_id: "q", state: "done", started_ms: 0, duration_ms: 4000, audio_file: `${id}.wav`, error: null, transcription: "queued", transcription_error: null, audio_removed_ms: null, follow_up_of };
}

function fake(opts: { fails?: string } = {}) {
  const log: string[] = [];
  let emit: (e: InterviewEvent) => void = () => {};
  const commands: InterviewCommands = {
    async startInterview(ids, settings, voice, maxSeconds, onEvent) {
      log.push(`start ${ids.join(",")} speak=${settings.speak} voice=${voice} max=${maxSeconds}`);
      if (opts.fails) throw { kind: "busy", message: opts.fails };
      emit = onEvent;
      return null;
    },
    async interviewSpace() {
      log.push("space");
      return true;
    },
    async stopInterview() {
      log.push("stop");
      return true;
    },
  };
  return { commands, log, emit: (e: InterviewEvent) => emit(e) };
}

describe("interview preferences", () => {
  it("keep good values and replace bad ones with defaults", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadInterviewPrefs(storage)).toEqual(DEFAULT_INTERVIEW);
    saveInterviewPrefs({ ...DEFAULT_INTERVIEW, voice: "joe", settings: { ...DEFAULT_INTERVIEW.settings, silence_ms: 0, speed: 1.3 } }, storage);
    expect(loadInterviewPrefs(storage).settings).toMatchObject({ silence_ms: 0, speed: 1.3 });
    expect(loadInterviewPrefs(storage).voice).toBe("joe");
    store.set("starling.interview", JSON.stringify({ settings: { silence_ms: 500, speed: 9, think_ms: -1, speak: "yes" }, maxSeconds: 5 }));
    expect(loadInterviewPrefs(storage)).toEqual(DEFAULT_INTERVIEW);
    store.set("starling.interview", "{not json");
    expect(loadInterviewPrefs(storage)).toEqual(DEFAULT_INTERVIEW);
  });
});

describe("a mock interview session", () => {
  it("follows the interview's events to a summary with the follow-up linked", async () => {
    const f = fake();
    const s = new InterviewSession(f.commands);
    await s.start(["a", "b"], DEFAULT_INTERVIEW);
    expect(f.log).toEqual(["start a,b speak=true voice=null max=120"]);
    expect(s.active).toBe(true);
    const t0 = { index: 0, follow_up: false };
    f.emit({ kind: "phase", phase: { phase: "asking", turn: t0 }, countdown_ms: null });
    f.emit({ kind: "speaking", turn: t0, text: "Design a cache.", cached: true, ready_ms: 5 });
    s.toggle();
    f.emit({ kind: "take_started", turn: t0, attempt: attempt(1) });
    f.emit({ kind: "recording", event: { kind: "level", peak: 0.5, rms: 0.1, elapsed_ms: 1200 } });
    expect(s.words.elapsedMs).toBe(1200);
    expect(s.words.level).toBeGreaterThan(0);
    f.emit({ kind: "phase", phase: { phase: "answering", turn: t0, heard_speech: true, silent_since_ms: 1000 }, countdown_ms: 2900 });
    expect(s.countdownMs).toBe(2900);
    f.emit({ kind: "take_stopped", turn: t0, attempt: attempt(1), ended_by: "silence" });
    const t1 = { index: 0, follow_up: true };
    f.emit({ kind: "take_started", turn: t1, attempt: attempt(2, 1) });
    f.emit({ kind: "take_stopped", turn: t1, attempt: attempt(2, 1), ended_by: "space" });
    f.emit({
      kind: "finished",
      answered: [
        { turn: t0, question_id: "a", attempt_id: 1, follow_up_of: null, ended_by: "silence" },
        { turn: t1, question_id: "a", attempt_id: 2, follow_up_of: 1, ended_by: "space" },
      ],
    });
    expect(s.active).toBe(false);
    expect(s.finished).toBe(true);
    expect(s.rows.map((r) => [r.attempt.id, r.follow_up_of, r.ended_by])).toEqual([
      [1, null, "silence"],
      [2, 1, "space"],
    ]);
    expect(s.hasTake(2)).toBe(true);
    expect(s.hasTake(3)).toBe(false);
    s.updateAttempt({ ...attempt(2, 1), transcription: "done" });
    expect(s.rows[1].attempt.transcription).toBe("done");
    s.cancel(); // finished: nothing is sent
    expect(f.log).toEqual(["start a,b speak=true voice=null max=120", "space"]);
  });

  it("shows why it could not start, and Esc stops a running one", async () => {
    const busy = fake({ fails: "A mock interview is already running." });
    const s = new InterviewSession(busy.commands);
    await s.start(["a"], DEFAULT_INTERVIEW);
    expect(s.active).toBe(false);
    expect(s.message).toContain("already running");
    const f = fake();
    const t = new InterviewSession(f.commands);
    await t.start(["a"], DEFAULT_INTERVIEW);
    t.cancel();
    f.emit({ kind: "voice_problem", message: "espeak-ng is not installed" });
    expect(t.voiceProblem).toContain("espeak-ng");
    expect(f.log.at(-1)).toBe("stop");
  });
});
