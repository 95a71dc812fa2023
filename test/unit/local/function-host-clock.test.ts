// The shared clock: one SharedArrayBuffer read by the host and every function worker, frozen or running,
// never going backwards, and the Date shim that makes handler code see it.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installDateShim } from '#infra/local/functions/date-shim.ts';
import { FunctionHost, SharedClock } from '#infra/local/functions/function-host.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const day = 86_400_000;

describe('SharedClock', () => {
  it('stays where it is frozen and moves only when told', async () => {
    const clock = new SharedClock({ frozenAt: '2026-03-02T10:00:00.000Z' });
    expect(clock.frozen).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now().toISOString()).toBe('2026-03-02T10:00:00.000Z');
    clock.advance(2 * day);
    expect(clock.now().toISOString()).toBe('2026-03-04T10:00:00.000Z');
    clock.set('2026-03-05T00:00:00Z');
    expect(clock.nowMs()).toBe(Date.parse('2026-03-05T00:00:00Z'));
  });

  it('runs with an offset from real time and can jump forward', () => {
    let real = 1_000_000;
    const clock = new SharedClock({ offsetMs: 5000 }, () => real);
    expect(clock.nowMs()).toBe(1_005_000);
    real += 250;
    expect(clock.nowMs()).toBe(1_005_250);
    clock.advance(day);
    expect(clock.offsetMs).toBe(5000 + day);
    clock.freeze();
    real += 1000;
    expect(clock.nowMs()).toBe(1_005_250 + day);
    clock.unfreeze();
    real += 10;
    expect(clock.nowMs()).toBe(1_005_260 + day);
  });

  it('never goes backwards', () => {
    const clock = new SharedClock({ frozenAt: '2026-03-02T10:00:00.000Z' });
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set('2026-03-01T00:00:00Z')).toThrow(RangeError);
    expect(() => clock.set('not a date')).toThrow(RangeError);
    clock.set('2026-03-02T10:00:00.000Z');
    expect(clock.now().toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('is one value for every view of its buffer', () => {
    const clock = new SharedClock({ frozenAt: 0 });
    const view = new SharedClock({ buffer: clock.buffer });
    clock.advance(1234);
    expect(view.nowMs()).toBe(1234);
  });
});

describe('installDateShim', () => {
  it('changes only the current-time entry points of Date', () => {
    const original = globalThis.Date;
    try {
      const RealDate = installDateShim(() => Date.UTC(2030, 0, 1));
      expect(RealDate).toBe(original);
      expect(Date.now()).toBe(RealDate.UTC(2030, 0, 1));
      expect(new Date().toISOString()).toBe('2030-01-01T00:00:00.000Z');
      expect(Date()).toBe(new RealDate(RealDate.UTC(2030, 0, 1)).toString());
      expect(new Date(5).getTime()).toBe(5);
      expect(new Date(2020, 0, 1).getFullYear()).toBe(2020);
      expect(Date.parse('2020-01-01T00:00:00Z')).toBe(1_577_836_800_000);
      expect(new RealDate() instanceof Date).toBe(true);
      expect(new Date() instanceof RealDate).toBe(true);
      expect(new Date().constructor).toBe(Date);
      expect(JSON.parse(JSON.stringify({ at: new Date() }))).toEqual({ at: '2030-01-01T00:00:00.000Z' });
    } finally {
      Object.defineProperty(original.prototype, 'constructor', {
        value: original,
        writable: true,
        configurable: true,
      });
      globalThis.Date = original;
    }
  });
});

describe('the clock inside function workers', () => {
  const clock = new SharedClock({ frozenAt: '2026-03-02T10:00:00.000Z' });
  const host = new FunctionHost({
    repositoryRoot,
    clock,
    onLog: () => {},
    functions: ['A', 'B'].map((name) => ({
      name,
      entry: 'test/unit/local/fixtures/echo-handler.ts',
      environment: {},
      timeoutSeconds: 5,
      memoryMb: 128,
    })),
  });
  afterAll(() => host.close());
  type Seen = Record<string, unknown> & { dateNow: number; newDate: string; performanceNow: number };
  const see = async (name = 'A') => (await host.invoke(name, {})) as Seen;

  it('shows the frozen instant, with Date otherwise behaving normally', async () => {
    const seen = await see();
    expect(seen).toMatchObject({
      dateNow: Date.parse('2026-03-02T10:00:00.000Z'),
      newDate: '2026-03-02T10:00:00.000Z',
      loadedAt: '2026-03-02T10:00:00.000Z',
      parsed: Date.parse('2020-01-02T03:04:05.000Z'),
      utc: Date.UTC(2020, 0, 2),
      dateParse: Date.UTC(2020, 0, 2),
      isDate: true,
      constructorIsDate: true,
      subclass: true,
      clonedIsDate: true,
    });
    expect(seen.dateCall).toContain('Mon Mar 02 2026');
  });

  it('sees an advance at once, in every worker', async () => {
    clock.advance(3 * day);
    const [a, b] = await Promise.all([see('A'), see('B')]);
    expect(a.newDate).toBe('2026-03-05T10:00:00.000Z');
    expect(b.newDate).toBe('2026-03-05T10:00:00.000Z');
  });

  it('moves with real time when the clock runs, while performance.now stays real', async () => {
    clock.unfreeze();
    const first = await see();
    await new Promise((resolve) => setTimeout(resolve, 60));
    const second = await see();
    expect(second.dateNow - first.dateNow).toBeGreaterThanOrEqual(50);
    expect(first.dateNow).toBeGreaterThanOrEqual(Date.parse('2026-03-05T10:00:00.000Z'));
    expect(first.dateNow).toBeLessThan(Date.parse('2026-03-05T10:00:10.000Z'));
    expect(second.performanceNow - first.performanceNow).toBeGreaterThanOrEqual(50);
    expect(second.performanceNow).toBeLessThan(60_000);
  });
});
