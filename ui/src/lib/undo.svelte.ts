// One undoable action at a time: a message with Undo that carries the action
// out when it times out, when another one starts, or when the window closes.
export interface Pending {
  text: string;
  undo: () => void;
  finish: () => void;
}

export class UndoQueue {
  current = $state<Pending | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ms = 5000) {}

  /** Shows `text` with Undo; `finish` runs unless Undo is pressed in time. */
  offer(text: string, finish: () => void, undo: () => void): void {
    this.settle();
    this.current = { text, finish, undo };
    this.timer = setTimeout(() => this.settle(), this.ms);
  }

  /** Carries out the pending action now. */
  settle(): void {
    const p = this.take();
    p?.finish();
  }

  /** Cancels the pending action. */
  undo(): void {
    const p = this.take();
    p?.undo();
  }

  private take(): Pending | null {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.current;
    this.current = null;
    return p;
  }
}
