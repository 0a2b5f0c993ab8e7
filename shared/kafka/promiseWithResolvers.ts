/**
 * @platformatic/kafka 2.x declares Node >= 22.22 and calls Promise.withResolvers (Node 22+, ES2024);
 * this machine (and so `npm start` and `npm test`) runs Node 20.20, while Lambda's nodejs22.x has it.
 * Supplied here where missing, with the standard's semantics, before the client loads
 * (platformaticKafka.ts and the benchmark import this first).
 */
if (!('withResolvers' in Promise)) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve: (value: T | PromiseLike<T>) => void = () => undefined;
      let reject: (reason?: unknown) => void = () => undefined;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
