// A take from Record to a stored attempt, as the answer panel shows it: the
// think-time countdown, the recording's level, time and live words, and the
// stop, discard and device-failure paths. Rust owns what happens to the take
// after it stops (its transcript); this owns only what the window shows and
// which commands it sends. The answer panel renders one; the key map acts on
// the one on screen through `activeTake`.
import { clock, type AnswerPrefs } from "./answer";
import { Active } from "./active.svelte";
import type { Attempt, RecordingEvent } from "./bindings";
import { messageFor } from "./errors";
import { LiveWords } from "./livewords.svelte";

/** The commands a take sends (the real ones, or a test's). */
export interface TakeCommands {
  startRecording(questionId: string, maxSeconds: number, onEvent: (e: RecordingEvent) => void): Promise<Attempt>;
  stopRecording(): Promise<Attempt>;
}

/** What the take asks of the panel it belongs to. */
export interface TakeHooks {
  questionId(): string;
  prefs(): AnswerPrefs;
  /** Whether there is a microphone to record from. */
  canRecord(): boolean;
  onattempt(a: Attempt): void;
  ondiscard(a: Attempt): void;
}

/** Countdown timers (the real ones, or a test's). */
export interface Timers {
  every(ms: number, f: () => void): () => void;
}

const realTimers: Timers = {
  every(ms, f) {
    const id = setInterval(f, ms);
    return () => clearInterval(id);
  },
};

export type Phase = "idle" | "thinking" | "starting" | "recording" | "stopping";

export class Take {
  phase = $state<Phase>("idle");
  thinkLeft = $state(0);
  silent = $state(false);
  /** Time, level and live words of the recording. */
  readonly words = new LiveWords();
  message = $state<string | null>(null);
  private stopThink: (() => void) | null = null;
  private discardOnStop = false;

  constructor(
    private readonly commands: TakeCommands,
    private readonly hooks: TakeHooks,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Whether a take is being prepared or recorded (navigation waits for it). */
  get active(): boolean {
    return this.phase !== "idle";
  }

  /** Space: start (with think time), skip the countdown, or stop. */
  toggle(): void {
    if (this.phase === "idle") this.begin();
    else if (this.phase === "thinking") void this.startNow();
    else if (this.phase === "recording") void this.stop(false);
  }

  /** Esc: leave the countdown, or stop and discard the take (undoable). */
  cancel(): void {
    if (this.phase === "thinking") {
      this.clearThink();
      this.phase = "idle";
    } else if (this.phase === "recording") {
      void this.stop(true);
    }
  }

  /** Starts the think-time countdown, or recording when it is off. */
  begin(): void {
    if (!this.hooks.canRecord() || this.phase !== "idle") return;
    this.message = null;
    const think = this.hooks.prefs().thinkSeconds;
    if (think > 0) {
      this.phase = "thinking";
      this.thinkLeft = think;
      this.stopThink = this.timers.every(1000, () => {
        this.thinkLeft -= 1;
        if (this.thinkLeft <= 0) void this.startNow();
      });
    } else {
      void this.startNow();
    }
  }

  async startNow(): Promise<void> {
    this.clearThink();
    this.phase = "starting";
    this.words.reset();
    this.silent = false;
    this.discardOnStop = false;
    try {
      await this.commands.startRecording(this.hooks.questionId(), this.hooks.prefs().maxSeconds, (e) => this.onEvent(e));
      if (this.phase === "starting") this.phase = "recording";
    } catch (e) {
      this.message = messageFor(e);
      this.phase = "idle";
    }
  }

  /** One event from the recorder. */
  onEvent(e: RecordingEvent): void {
    if (this.words.take(e)) return;
    switch (e.kind) {
      case "started":
        if (this.phase === "starting") this.phase = "recording";
        break;
      case "silence":
        this.silent = true;
        break;
      case "sound_resumed":
        this.silent = false;
        break;
      case "ended":
        if (e.reason.kind === "device_lost" || e.reason.kind === "write_failed") this.message = e.reason.message;
        else if (e.reason.kind === "max_duration") this.message = `Stopped at the ${clock(this.hooks.prefs().maxSeconds * 1000)} limit.`;
        void this.stop(this.discardOnStop);
        break;
    }
  }

  /** Stops the recording; the attempt goes to `onattempt`, or `ondiscard`. */
  async stop(discard: boolean): Promise<void> {
    if (this.phase !== "recording" && this.phase !== "starting") return;
    this.discardOnStop = discard;
    this.phase = "stopping";
    try {
      const attempt = await this.commands.stopRecording();
      if (discard) this.hooks.ondiscard(attempt);
      else this.hooks.onattempt(attempt);
    } catch (e) {
      this.message = messageFor(e);
    } finally {
      this.phase = "idle";
      this.words.level = 0;
      this.silent = false;
    }
  }

  /** Stops the countdown (the panel is going away). */
  dispose(): void {
    this.clearThink();
  }

  private clearThink(): void {
    this.stopThink?.();
    this.stopThink = null;
  }
}

/** What Space and Esc act on: a take on the answer panel, or a mock interview. */
export interface KeyTake {
  readonly active: boolean;
  /** Space. */
  toggle(): void;
  /** Esc. */
  cancel(): void;
}

/** The one on screen. */
export const activeTake = new Active<KeyTake>();
