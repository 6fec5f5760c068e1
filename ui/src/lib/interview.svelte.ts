// A hands-free mock interview as the window shows it. Rust runs the
// interview (starling_studio::interview_run): who speaks, when a take starts
// and ends, the follow-ups. This keeps what its events say for the screen
// and sends Space and Stop. The key map reaches it through `activeTake`,
// like a take on the answer panel.
import type { AnsweredTurn, Attempt, InterviewEvent, InterviewPhase, InterviewSettings, RecordingEvent, Turn } from "./bindings";
import { messageFor } from "./errors";
import { LiveWords } from "./livewords.svelte";

/** The commands an interview sends (the real ones, or a test's). */
export interface InterviewCommands {
  startInterview(questionIds: string[], settings: InterviewSettings, voice: string | null, maxSeconds: number, onEvent: (e: InterviewEvent) => void): Promise<null>;
  interviewSpace(): Promise<boolean>;
  stopInterview(): Promise<boolean>;
}

/** Mock interview preferences, kept in the window's storage. */
export interface InterviewPrefs {
  settings: InterviewSettings;
  /** An installed voice's name, "espeak", or null for the first installed. */
  voice: string | null;
  maxSeconds: number;
}

const KEY = "starling.interview";

export const DEFAULT_INTERVIEW: InterviewPrefs = {
  settings: { speak: true, speed: 1, think_ms: 5_000, silence_ms: 4_000, follow_ups: true },
  voice: null,
  maxSeconds: 120,
};

/** Saved preferences, each value checked (a bad one falls back to its default). */
export function loadInterviewPrefs(storage: Pick<Storage, "getItem"> = localStorage): InterviewPrefs {
  const d = DEFAULT_INTERVIEW;
  try {
    const raw = JSON.parse(storage.getItem(KEY) ?? "{}") as Partial<InterviewPrefs>;
    const s = (raw.settings ?? {}) as Partial<InterviewSettings>;
    const num = (v: unknown, def: number, ok: (n: number) => boolean) => (typeof v === "number" && Number.isFinite(v) && ok(v) ? v : def);
    const bool = (v: unknown, def: boolean) => (typeof v === "boolean" ? v : def);
    return {
      settings: {
        speak: bool(s.speak, d.settings.speak),
        speed: num(s.speed, d.settings.speed, (n) => n >= 0.5 && n <= 2),
        think_ms: num(s.think_ms, d.settings.think_ms, (n) => n >= 0 && n <= 600_000),
        silence_ms: num(s.silence_ms, d.settings.silence_ms, (n) => n === 0 || (n >= 1_000 && n <= 60_000)),
        follow_ups: bool(s.follow_ups, d.settings.follow_ups),
      },
      voice: typeof raw.voice === "string" && raw.voice.length > 0 ? raw.voice : null,
      maxSeconds: num(raw.maxSeconds, d.maxSeconds, (n) => n >= 10 && n <= 3_600),
    };
  } catch {
    return structuredClone(d);
  }
}

export function saveInterviewPrefs(p: InterviewPrefs, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(p));
}

/** One answered turn with its take. */
export interface SummaryRow extends AnsweredTurn {
  attempt: Attempt;
}

export class InterviewSession {
  /** Null before the first event and after the interview. */
  phase = $state<InterviewPhase | null>(null);
  countdownMs = $state<number | null>(null);
  turn = $state<Turn | null>(null);
  /** Time, level and live words of the answer being recorded. */
  readonly words = new LiveWords();
  /** Why the voice is silent (the interview goes on with the text shown). */
  voiceProblem = $state<string | null>(null);
  message = $state<string | null>(null);
  rows = $state<SummaryRow[]>([]);
  running = $state(false);
  finished = $state(false);
  private takes = new Map<number, Attempt>();

  constructor(private readonly commands: InterviewCommands) {}

  /** Whether the interview runs (navigation waits for it). */
  get active(): boolean {
    return this.running;
  }

  async start(questionIds: string[], prefs: InterviewPrefs): Promise<void> {
    this.reset();
    this.running = true;
    try {
      await this.commands.startInterview(questionIds, prefs.settings, prefs.voice, prefs.maxSeconds, (e) => this.onEvent(e));
    } catch (e) {
      this.message = messageFor(e);
      this.running = false;
    }
  }

  /** Space: skip the reading or the think time, or end the answer. */
  toggle(): void {
    if (this.running) void this.commands.interviewSpace().catch((e) => (this.message = messageFor(e)));
  }

  /** Esc: end the interview (a take being recorded is kept). */
  cancel(): void {
    if (this.running) void this.commands.stopInterview().catch((e) => (this.message = messageFor(e)));
  }

  onEvent(e: InterviewEvent): void {
    switch (e.kind) {
      case "phase":
        this.phase = e.phase;
        this.countdownMs = e.countdown_ms;
        if (e.phase.phase !== "finished") this.turn = e.phase.turn;
        break;
      case "voice_problem":
        this.voiceProblem = e.message;
        break;
      case "take_started":
        this.takes.set(e.attempt.id, e.attempt);
        this.words.reset();
        break;
      case "recording":
        this.onRecording(e.event);
        break;
      case "take_stopped":
        this.takes.set(e.attempt.id, e.attempt);
        this.words.level = 0;
        break;
      case "finished":
        this.rows = e.answered.flatMap((a) => {
          const attempt = this.takes.get(a.attempt_id);
          return attempt ? [{ ...a, attempt }] : [];
        });
        this.running = false;
        this.finished = true;
        this.phase = null;
        this.countdownMs = null;
        break;
      case "failed":
        this.message = e.message;
        break;
    }
  }

  /** Whether take `id` was recorded in this interview. */
  hasTake(id: number): boolean {
    return this.takes.has(id);
  }

  /** An attempt's newer state (its transcription moved on). */
  updateAttempt(a: Attempt): void {
    this.rows = this.rows.map((r) => (r.attempt_id === a.id ? { ...r, attempt: a } : r));
    if (this.takes.has(a.id)) this.takes.set(a.id, a);
  }

  private onRecording(e: RecordingEvent): void {
    if (this.words.take(e)) return;
    switch (e.kind) {
      case "ended":
        if (e.reason.kind === "device_lost" || e.reason.kind === "write_failed") this.message = e.reason.message;
        break;
    }
  }

  private reset(): void {
    this.phase = null;
    this.countdownMs = null;
    this.turn = null;
    this.voiceProblem = null;
    this.message = null;
    this.rows = [];
    this.finished = false;
    this.takes.clear();
  }
}
