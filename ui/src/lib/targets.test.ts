import { describe, expect, it } from "vitest";
import type { AnswerKind, CoachSettings } from "./bindings";
import { Targets } from "./targets.svelte";

function fakeSource() {
  const saved: Partial<Record<AnswerKind, CoachSettings>> = { behavioral: { pause_ms: 2000, target_min_s: 60, target_max_s: 120 } };
  return {
    calls: 0,
    async coachSettings(kind: AnswerKind) {
      this.calls++;
      return saved[kind] ?? { pause_ms: 2000, target_min_s: 30, target_max_s: 120 };
    },
    async setCoachSettings(kind: AnswerKind, s: CoachSettings) {
      saved[kind] = s;
      return s;
    },
  };
}

describe("Targets", () => {
  it("has no band until the targets are read from Rust", async () => {
    const t = new Targets(fakeSource());
    expect(t.band("behavioral")).toBeNull();
    await t.load("behavioral");
    expect(t.band("behavioral")).toEqual({ min: 60, max: 120 });
  });

  it("a saved target is what every reader sees next", async () => {
    const source = fakeSource();
    const t = new Targets(source);
    await t.load("behavioral");
    await t.save("behavioral", { pause_ms: 1500, target_min_s: 3, target_max_s: 20 });
    expect(t.band("behavioral")).toEqual({ min: 3, max: 20 });
    // Reading again goes to Rust, which kept the saved value.
    await t.load("behavioral");
    expect(t.band("behavioral")).toEqual({ min: 3, max: 20 });
    expect(source.calls).toBe(2);
  });
});
