/**
 * Commits sent without waiting for Kafka's answer (KafkaPort's commitInBackground). Each is handed to
 * `commit` at once; a refused one is reported to `refused` (the consumer fails on it, so its replacement
 * resumes from what was committed); `settled()` waits for every commit sent so far, so a consumer that
 * stops keeps the commits of the batches it handled.
 */
export function backgroundCommits<C>(commit: (offset: C) => Promise<void>, refused: (error: unknown) => void): { send(offset: C): void; settled(): Promise<void> } {
  const inFlight = new Set<Promise<void>>();
  return {
    send(offset) {
      const sent = commit(offset).then(
        () => undefined,
        (error: unknown) => refused(error),
      );
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    },
    async settled() {
      await Promise.all(inFlight);
    },
  };
}
