/**
 * A connection (or discovery) made once per process and shared by every invocation after it; if it
 * fails, the next caller tries again instead of every later invocation getting the same old failure.
 */
export function connectOnce<T>(connect: () => Promise<T>): { get(): Promise<T>; forget(): Promise<T> | undefined } {
  let current: Promise<T> | undefined;
  return {
    get() {
      current ??= connect().catch((error: unknown) => {
        current = undefined;
        throw error;
      });
      return current;
    },
    /** Drops the shared value (closed by its owner, or seen broken) and returns what it was. */
    forget() {
      const previous = current;
      current = undefined;
      return previous;
    },
  };
}
