// The transcripts and transcription progress of the attempts on screen, kept
// in step with the transcription runner's events.
import { api } from "./api";
import type { QuestionDetail, Transcript, TranscriptionEvent } from "./bindings";
import { replace } from "./question.svelte";

export class TranscriptTracker {
  transcripts = $state<Record<number, Transcript | null>>({});
  progress = $state<Record<number, number>>({});

  /** Loads the stored transcripts of a question's attempts. */
  async load(d: QuestionDetail): Promise<void> {
    for (const a of d.attempts) {
      if (a.transcription === "done" || this.transcripts[a.id] === undefined) {
        this.transcripts[a.id] = await api.attemptTranscript(a.id).catch(() => null);
      }
    }
  }

  /**
   * Applies one transcription event to `detail`'s attempts (progress, new
   * state, the finished transcript, which the event carries).
   */
  async onEvent(e: TranscriptionEvent, detail: QuestionDetail | null): Promise<void> {
    const attempt = detail?.attempts.find((a) => a.id === e.attempt_id);
    if (e.kind === "progress") {
      this.progress[e.attempt_id] = e.percent;
      if (attempt) attempt.transcription = "running";
      return;
    }
    if (!attempt || !detail) return;
    const fresh = await api.getAttempt(e.attempt_id).catch(() => null);
    if (fresh) replace(detail, fresh);
    if (e.kind === "done") this.transcripts[e.attempt_id] = e.transcript;
  }

  /** Forgets everything (after a restore replaced the data). */
  reset(): void {
    this.transcripts = {};
    this.progress = {};
  }
}
