// What a recording shows while it runs: its time and level from each level
// event, the words of every finished stretch, and the preview of the stretch
// being spoken. A take (take.svelte.ts) and a mock interview
// (interview.svelte.ts) each hold one, so both read the recorder's events the
// same way.
import { meterFraction } from "./answer";
import type { RecordingEvent, Segment } from "./bindings";

export class LiveWords {
  elapsedMs = $state(0);
  /** The meter's fill, 0 to 1. */
  level = $state(0);
  /** Every finished stretch's segments, in order. */
  segments = $state<Segment[]>([]);
  /** A provisional transcript of the stretch being spoken (replaced by the next). */
  preview = $state<Segment[]>([]);
  /** How many of the preview's first words the previous preview agreed on. */
  confirmed = $state(0);

  /** Whether there are any words to show. */
  get any(): boolean {
    return this.segments.length > 0 || this.preview.length > 0;
  }

  /** Empty, for a new recording. */
  reset(): void {
    this.elapsedMs = 0;
    this.level = 0;
    this.segments = [];
    this.preview = [];
    this.confirmed = 0;
  }

  /** Takes in one recorder event; false for the kinds it does not own. */
  take(e: RecordingEvent): boolean {
    switch (e.kind) {
      case "level":
        this.elapsedMs = e.elapsed_ms;
        this.level = meterFraction(e.rms);
        return true;
      case "live":
        this.segments = [...this.segments, ...e.segments];
        this.preview = [];
        this.confirmed = 0;
        return true;
      case "preview":
        this.preview = e.segments;
        this.confirmed = e.confirmed_words;
        return true;
      default:
        return false;
    }
  }
}
