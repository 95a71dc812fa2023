// The local stand-in for the Lambda sandbox's system clock (like libfaketime): installed in a function worker
// before the handler module is imported, it makes `Date.now()`, `new Date()` and `Date()` read the shared clock.

/**
 * Replaces `globalThis.Date` with a Proxy of the real Date. Only the "current time" entry points change:
 * `new Date()` with no arguments, `Date()` called as a function and `Date.now()`. Everything else is the real
 * Date: `new Date(x)`, `Date.parse`, `Date.UTC`, the prototype and its methods, and `instanceof Date` (the
 * Proxy's `prototype` is the real one, so dates made anywhere, also by Node internals or structuredClone,
 * pass). `performance.now()` and timers stay on real time, as timeouts must. Not covered: internals that
 * read the engine's time directly (e.g. `Intl.DateTimeFormat().format()` with no date).
 * Returns the original Date so the caller can keep real time for its own bookkeeping.
 */
export function installDateShim(nowMs: () => number): DateConstructor {
  const RealDate = globalThis.Date;
  // A named function so `Date.now.name` is still 'now'.
  const now = { now: () => nowMs() }.now;
  const SharedDate: DateConstructor = new Proxy(RealDate, {
    construct(target, args, newTarget): object {
      // Subclasses (`class X extends Date`) arrive with their own newTarget and keep their prototype.
      return Reflect.construct(
        target,
        args.length === 0 ? [nowMs()] : args,
        newTarget === SharedDate ? target : newTarget,
      );
    },
    apply() {
      return new RealDate(nowMs()).toString();
    },
    get(target, key, receiver) {
      return key === 'now' ? now : Reflect.get(target, key, receiver);
    },
  });
  // `date.constructor === Date` keeps holding in handler code.
  Object.defineProperty(RealDate.prototype, 'constructor', {
    value: SharedDate,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  globalThis.Date = SharedDate;
  return RealDate;
}
