// Saves a value a short while after the last change, reports its state for a
// "Saving… / Saved" label, and can be flushed at once (on blur, on switching
// question, before the window closes).
export type SaveState = "idle" | "pending" | "saving" | "saved" | "error";

export class Autosaver<T> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private latest: T | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly save: (value: T) => Promise<void>,
    private readonly onState: (state: SaveState, error?: string) => void,
    private readonly delayMs = 350,
  ) {}

  /** Schedules a save of `value`, replacing any pending one. */
  change(value: T): void {
    this.latest = value;
    this.onState("pending");
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves the pending value now, if any; resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const value = this.latest;
    this.latest = null;
    if (value === null) return this.inFlight;
    this.inFlight = this.inFlight.then(async () => {
      this.onState("saving");
      try {
        await this.save(value);
        this.onState(this.latest === null ? "saved" : "pending");
      } catch (e) {
        const message = e && typeof e === "object" && "message" in e ? String((e as { message: unknown }).message) : String(e);
        this.onState("error", message);
      }
    });
    return this.inFlight;
  }
}
