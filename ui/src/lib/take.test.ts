import { describe, expect, it } from "vitest";
import type { Attempt, RecordingEvent } from "./bindings";
import { Take, type TakeCommands, type Timers } from "./take.svelte";

function attempt(id: number): Attempt {
  return { id, question_id: "q", state: "done", started_ms: 0, duration_ms: 5000, audio_file: `${id}.wav`, error: null, transcription: "queued", transcription_error: null } as Attempt;
}

/** Commands that record what was asked and let the test send recorder events. */
function fakeCommands(opts: { startFails?: string } = {}) {
  const log: string[] = [];
  let emit: (e: RecordingEvent) => void = () => {};
  const commands: TakeCommands = {
    async startRecording(questionId, maxSeconds, onEvent) {
      log.push(`start ${questionId} ${maxSeconds}`);
      if (opts.startFails) throw { kind: "microphone", message: opts.startFails };
      emit = onEvent;
      return attempt(1);
    },
    async stopRecording() {
      log.push("stop");
      return attempt(1);
    },
  };
  return { commands, log, emit: (e: RecordingEvent) => emit(e) };
}

/** A countdown the test advances by hand. */
function manualTimers() {
  let tick: (() => void) | null = null;
  const timers: Timers = {
    every(_ms, f) {
      tick = f;
      return () => (tick = null);
    },
  };
  return { timers, tick: () => tick?.(), running: () => tick !== null };
}

function takeWith(think: number, c = fakeCommands(), t = manualTimers()) {
  const kept: number[] = [];
  const discarded: number[] = [];
  const take = new Take(
    c.commands,
    {
      questionId: () => "q",
      prefs: () => ({ thinkSeconds: think, maxSeconds: 120 }),
      canRecord: () => true,
      onattempt: (a) => kept.push(a.id),
      ondiscard: (a) => discarded.push(a.id),
    },
    t.timers,
  );
  return { take, c, t, kept, discarded };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("Take", () => {
  it("counts the think time down, then records, and Space stops it into an attempt", async () => {
    const { take, c, t, kept } = takeWith(2);
    take.toggle();
    expect(take.phase).toBe("thinking");
    expect(take.thinkLeft).toBe(2);
    t.tick();
    expect(take.phase).toBe("thinking");
    t.tick();
    await flush();
    expect(take.phase).toBe("recording");
    expect(t.running()).toBe(false);
    c.emit({ kind: "level", peak: 0.5, rms: 0.1, elapsed_ms: 1500 });
    expect(take.words.elapsedMs).toBe(1500);
    expect(take.words.level).toBeGreaterThan(0);
    take.toggle();
    await flush();
    expect(c.log).toEqual(["start q 120", "stop"]);
    expect(kept).toEqual([1]);
    expect(take.phase).toBe("idle");
    expect(take.active).toBe(false);
  });

  it("Space during the countdown starts at once; Esc during it records nothing", async () => {
    const a = takeWith(20);
    a.take.toggle();
    a.take.toggle();
    await flush();
    expect(a.take.phase).toBe("recording");

    const b = takeWith(20);
    b.take.toggle();
    b.take.cancel();
    expect(b.take.phase).toBe("idle");
    expect(b.t.running()).toBe(false);
    expect(b.c.log).toEqual([]);
  });

  it("Esc while recording stops the take and hands it over to be discarded", async () => {
    const { take, kept, discarded } = takeWith(0);
    take.toggle();
    await flush();
    take.cancel();
    await flush();
    expect(discarded).toEqual([1]);
    expect(kept).toEqual([]);
  });

  it("a lost device stops the take, keeps it and says why", async () => {
    const { take, c, kept } = takeWith(0);
    take.toggle();
    await flush();
    c.emit({ kind: "preview", segments: [{ start_ms: 0, end_ms: 600, text: "I fix", words: [] }] as never, confirmed_words: 0 });
    c.emit({ kind: "preview", segments: [{ start_ms: 0, end_ms: 900, text: "I fixed it", words: [] }] as never, confirmed_words: 1 });
    expect(take.words.preview[0].text).toBe("I fixed it");
    expect(take.words.confirmed).toBe(1);
    c.emit({ kind: "live", segments: [{ start_ms: 0, end_ms: 900, text: "I fixed", words: [] }] as never });
    expect(take.words.segments).toHaveLength(1);
    expect(take.words.preview).toEqual([]);
    c.emit({ kind: "ended", reason: { kind: "device_lost", message: "The microphone was unplugged." } });
    await flush();
    expect(kept).toEqual([1]);
    expect(take.message).toBe("The microphone was unplugged.");
  });

  it("a microphone that cannot start leaves the panel idle with the reason", async () => {
    const { take } = takeWith(0, fakeCommands({ startFails: "No microphone is connected." }));
    take.toggle();
    await flush();
    expect(take.phase).toBe("idle");
    expect(take.message).toBe("No microphone is connected.");
  });
});
