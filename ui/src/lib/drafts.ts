// Edits that save themselves a moment after typing stops (STAR notes,
// stories). Each open editor registers how to save now; before the window
// moves on (another question, another mode, closing) it flushes them all,
// without knowing which editors are open.

export type Flush = () => Promise<void>;

export class Drafts {
  private open = new Set<Flush>();

  /** Registers an editor's flush; call the returned function when it closes. */
  register(flush: Flush): () => void {
    this.open.add(flush);
    return () => this.open.delete(flush);
  }

  /** Saves every pending edit now; resolves when all are saved or failed. */
  async flushAll(): Promise<void> {
    await Promise.allSettled([...this.open].map((f) => f()));
  }

  /** How many editors are open (for tests). */
  get size(): number {
    return this.open.size;
  }
}

/** The window's one registry. */
export const drafts = new Drafts();
