// One download at a time from a dialog (a Whisper model, an interviewer
// voice): which one runs and how far it got, for a DownloadBar; the outcome
// as the sentence to show, with a cancel told apart from a failure.
import type { DownloadProgress } from "./bindings";
import { messageFor, wasCancelled } from "./errors";

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

export class Download {
  /** The name being downloaded, or null when none is. */
  name = $state<string | null>(null);
  done = $state(0);
  /** Bytes in all, once the server has said. */
  total = $state<number | null>(null);

  get running(): boolean {
    return this.name !== null;
  }

  /** Runs `start` for `name`, following its progress until it ends. */
  async run<T>(name: string, start: (onProgress: (p: DownloadProgress) => void) => Promise<T>): Promise<Outcome<T>> {
    this.name = name;
    this.done = 0;
    this.total = null;
    try {
      const value = await start((p) => {
        if (this.name === name) {
          this.done = p.done;
          this.total = p.total;
        }
      });
      return { ok: true, value };
    } catch (e) {
      return { ok: false, message: wasCancelled(e) ? "Download cancelled." : messageFor(e) };
    } finally {
      this.name = null;
    }
  }
}
