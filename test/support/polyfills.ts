// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node 22+). Scripts run on the pinned Node 24,
// but keep a polyfill so a test started with an older node still runs instead of failing obscurely.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
