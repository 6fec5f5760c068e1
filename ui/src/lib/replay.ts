// Replay logic that needs no DOM: the words of a transcript in order, and which
// one is being spoken at a given moment of playback.
import type { Transcript, Word } from "./bindings";

/** Every word of the transcript, in time order. */
export function wordsOf(t: Transcript | null): Word[] {
  return t ? t.segments.flatMap((s) => s.words) : [];
}

/**
 * The index of the word being spoken at `ms`: the last word that has started.
 * Between two words the earlier one stays lit, so the highlight never flickers
 * off mid-sentence. -1 before the first word.
 */
export function wordAt(words: Word[], ms: number): number {
  let lo = 0;
  let hi = words.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (words[mid].start_ms <= ms) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
