// The one on-screen instance of something the keyboard acts on (the answer
// panel's take, the rating bar). A component registers what it shows; the
// window's key map reaches it here, never through a reference to the
// component itself.

export class Active<T> {
  current = $state<T | null>(null);

  /** Makes `item` the one acted on; the returned function lets it go. */
  register(item: T): () => void {
    this.current = item;
    return () => {
      if (this.current === item) this.current = null;
    };
  }
}
