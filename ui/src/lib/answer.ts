// Pure helpers for answering aloud: time formatting, where a length falls
// against its target band (the band itself is the user's, see
// targets.svelte.ts), the level meter scale, and the remembered preferences.

/** "1:05" for 65 000 ms. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export type BandPosition = "short" | "inside" | "long";

export function bandPosition(ms: number, band: { min: number; max: number }): BandPosition {
  const s = ms / 1000;
  return s < band.min ? "short" : s <= band.max ? "inside" : "long";
}

/** An RMS level in [0, 1] as a meter fraction on a −60…0 dBFS scale. */
export function meterFraction(rms: number): number {
  if (rms <= 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

export interface AnswerPrefs {
  /** Seconds to think before recording starts; 0 turns the countdown off. */
  thinkSeconds: number;
  /** Recording stops by itself after this many seconds. */
  maxSeconds: number;
}

const KEY = "starling.answer";
export const DEFAULT_PREFS: AnswerPrefs = { thinkSeconds: 20, maxSeconds: 240 };

export function loadPrefs(storage: Pick<Storage, "getItem"> = localStorage): AnswerPrefs {
  try {
    const raw = JSON.parse(storage.getItem(KEY) ?? "{}") as Partial<AnswerPrefs>;
    const num = (v: unknown, d: number, lo: number, hi: number) =>
      typeof v === "number" && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : d;
    return {
      thinkSeconds: num(raw.thinkSeconds, DEFAULT_PREFS.thinkSeconds, 0, 300),
      maxSeconds: num(raw.maxSeconds, DEFAULT_PREFS.maxSeconds, 10, 3600),
    };
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

export function savePrefs(p: AnswerPrefs, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(p));
}
