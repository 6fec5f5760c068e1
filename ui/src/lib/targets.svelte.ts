// The user's coaching targets for each kind of answer (pause threshold and
// length band), as Rust keeps them. One shared copy: a target saved in the
// coaching panel shows at once on the answer timer.
import type { AnswerKind, CoachSettings } from "./bindings";

/** The two commands the targets come through (the real ones, or a test's). */
export interface TargetsSource {
  coachSettings(kind: AnswerKind): Promise<CoachSettings>;
  setCoachSettings(kind: AnswerKind, settings: CoachSettings): Promise<CoachSettings>;
}

/** A length band in seconds. */
export interface Band {
  min: number;
  max: number;
}

export class Targets {
  byKind = $state<Partial<Record<AnswerKind, CoachSettings>>>({});

  constructor(private readonly source: TargetsSource) {}

  /** Reads `kind`'s targets from Rust (again: another view may have saved). */
  async load(kind: AnswerKind): Promise<CoachSettings> {
    const s = await this.source.coachSettings(kind);
    this.byKind[kind] = s;
    return s;
  }

  /** Saves `kind`'s targets; every view showing them updates. */
  async save(kind: AnswerKind, settings: CoachSettings): Promise<CoachSettings> {
    const saved = await this.source.setCoachSettings(kind, settings);
    this.byKind[kind] = saved;
    return saved;
  }

  /** `kind`'s length band, once loaded. */
  band(kind: AnswerKind): Band | null {
    const s = this.byKind[kind];
    return s ? { min: s.target_min_s, max: s.target_max_s } : null;
  }
}
