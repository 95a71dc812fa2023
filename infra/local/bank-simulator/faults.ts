// Fault injection for the simulator's bank API: 5xx bursts, 429 with Retry-After, requests that never get an
// answer, connections dropped before or in the middle of the body, malformed and oversized XML, latency.
// Faults are data (set through the control endpoint or the programmatic API), consumed by count or chance.
import { z } from 'zod';

export const SIMULATOR_ROUTES = [
  'heartbeat',
  'payment',
  'account-statement',
  'account-balance',
  'messages-next',
  'message-get',
  'message-delete',
  'messages-delete-batch',
] as const;
export type SimulatorRoute = (typeof SIMULATOR_ROUTES)[number];

const base = {
  /** Which API route; `*` = every route. */
  route: z.union([z.enum(SIMULATOR_ROUTES), z.literal('*')]).default('*'),
  /** How many requests it hits (default 1); ignored when `probability` is set. */
  count: z.number().int().min(1).optional(),
  /** Chance per request (chaos runs); the fault stays until removed. */
  probability: z.number().min(0).max(1).optional(),
  /** Only requests for this end user registry code. */
  endUserCode: z.string().optional(),
};

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('status'), status: z.number().int().min(400).max(599).default(503) }),
  z.object({ ...base, kind: z.literal('rate-limit'), retryAfterSeconds: z.number().int().min(0).default(1) }),
  /** The request is read and never answered (the client must time out). */
  z.object({ ...base, kind: z.literal('timeout') }),
  /** The connection is closed before any response byte. */
  z.object({ ...base, kind: z.literal('drop-connection') }),
  /** Headers and half of the body are sent, then the connection is destroyed. */
  z.object({ ...base, kind: z.literal('drop-mid-body') }),
  /** A message with broken XML is put at the head of the queue (served by `messages/next`). */
  z.object({ ...base, kind: z.literal('malformed-xml') }),
  /** A 200 answer far larger than any real message. */
  z.object({
    ...base,
    kind: z.literal('oversized'),
    bytes: z
      .number()
      .int()
      .min(1)
      .default(32 * 1024 * 1024),
    declareLength: z.boolean().default(false),
  }),
  /** Answers normally after a delay (real time). */
  z.object({ ...base, kind: z.literal('latency'), ms: z.number().int().min(0) }),
]);

export type Fault = z.infer<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

interface ArmedFault {
  id: string;
  fault: Fault;
  remaining: number | undefined;
  hits: number;
}

export class FaultInjector {
  #faults: ArmedFault[] = [];
  #counter = 0;
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  add(input: FaultInput): string {
    const fault = faultSchema.parse(input);
    this.#counter += 1;
    const id = `fault-${this.#counter}`;
    this.#faults.push({
      id,
      fault,
      remaining: fault.probability === undefined ? (fault.count ?? 1) : undefined,
      hits: 0,
    });
    return id;
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((armed) => armed.id !== id);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): (Fault & { id: string; remaining?: number; hits: number })[] {
    return this.#faults.map((armed) => ({
      ...armed.fault,
      id: armed.id,
      hits: armed.hits,
      ...(armed.remaining !== undefined ? { remaining: armed.remaining } : {}),
    }));
  }

  /** The fault to apply to this request, if any (consumes one count). */
  take(route: SimulatorRoute, endUserCode: string | undefined): Fault | undefined {
    for (const armed of this.#faults) {
      const { fault } = armed;
      if (fault.route !== '*' && fault.route !== route) continue;
      if (fault.endUserCode !== undefined && fault.endUserCode !== endUserCode) continue;
      if (armed.remaining !== undefined) {
        if (armed.remaining <= 0) continue;
        armed.remaining -= 1;
      } else if (this.#random() >= (fault.probability ?? 0)) {
        continue;
      }
      armed.hits += 1;
      if (armed.remaining === 0) this.#faults = this.#faults.filter((other) => other !== armed);
      return fault;
    }
    return undefined;
  }
}
