// The per-operator message queue (LHV Connect style): the oldest unacknowledged message is returned again
// and again until it is acknowledged; unread messages expire. On demand it delivers duplicates (the same
// document under a new id, or an acknowledged message again under its old id) and out of order.

export type MessageFamily = 'pain.002' | 'camt.052' | 'camt.053' | 'camt.054';

export interface QueueEndUser {
  registryCode: string;
  country: string;
}

export interface QueuedMessage {
  responseId: string;
  requestId?: string;
  family: MessageFamily | 'unknown';
  /** Value of the type header, e.g. `pain.002.001.03`. */
  typeHeader: string;
  endUser?: QueueEndUser;
  body: string;
  createdAt: string;
  /** How many times it was handed out. */
  deliveries: number;
  acknowledgedAt?: string;
}

export type DeliveryOrder = 'oldest-first' | 'newest-first' | 'random';

export interface QueueFilter {
  family?: string;
  endUser?: QueueEndUser;
}

export class MessageQueue {
  readonly #pending = new Map<string, QueuedMessage>();
  readonly #acknowledged = new Map<string, QueuedMessage>();
  #counter = 0;
  #order: DeliveryOrder = 'oldest-first';
  #duplicateNext = 0;
  readonly #random: () => number;
  readonly #idPrefix: string;
  readonly #keepAcknowledged: number;

  constructor(options: { random: () => number; idPrefix?: string; keepAcknowledged?: number }) {
    this.#random = options.random;
    this.#idPrefix = options.idPrefix ?? 'MSG';
    this.#keepAcknowledged = options.keepAcknowledged ?? 10_000;
  }

  enqueue(message: Omit<QueuedMessage, 'responseId' | 'deliveries'>): QueuedMessage {
    const queued = this.#add(message);
    while (this.#duplicateNext > 0) {
      this.#duplicateNext -= 1;
      this.#add(message);
    }
    return queued;
  }

  /** Puts a message ahead of every pending one (it is delivered next). */
  enqueueFront(message: Omit<QueuedMessage, 'responseId' | 'deliveries'>): QueuedMessage {
    const queued = this.#add(message);
    const rest = [...this.#pending.entries()].filter(([id]) => id !== queued.responseId);
    this.#pending.clear();
    this.#pending.set(queued.responseId, queued);
    for (const [id, other] of rest) this.#pending.set(id, other);
    return queued;
  }

  #add(message: Omit<QueuedMessage, 'responseId' | 'deliveries'>): QueuedMessage {
    this.#counter += 1;
    const responseId = `${this.#idPrefix}${String(this.#counter).padStart(10, '0')}`;
    const queued: QueuedMessage = { ...message, responseId, deliveries: 0 };
    this.#pending.set(responseId, queued);
    return queued;
  }

  /** The message to hand out next (and counts the delivery), or undefined when nothing matches. */
  next(filter: QueueFilter = {}): QueuedMessage | undefined {
    const candidates = this.#order === 'oldest-first' ? undefined : this.#matching(filter);
    let chosen: QueuedMessage | undefined;
    if (!candidates) {
      for (const message of this.#pending.values()) {
        if (matches(message, filter)) {
          chosen = message;
          break;
        }
      }
    } else if (this.#order === 'newest-first') {
      chosen = candidates.at(-1);
    } else {
      chosen = candidates[Math.floor(this.#random() * candidates.length)];
    }
    if (chosen) chosen.deliveries += 1;
    return chosen;
  }

  get(responseId: string): QueuedMessage | undefined {
    return this.#pending.get(responseId);
  }

  /** True when the message was pending; false when unknown or already acknowledged. */
  acknowledge(responseId: string, now: Date): boolean {
    const message = this.#pending.get(responseId);
    if (!message) return false;
    this.#pending.delete(responseId);
    message.acknowledgedAt = now.toISOString();
    this.#acknowledged.set(responseId, message);
    if (this.#acknowledged.size > this.#keepAcknowledged) {
      const oldest = this.#acknowledged.keys().next().value;
      if (oldest !== undefined) this.#acknowledged.delete(oldest);
    }
    return true;
  }

  /** Puts an acknowledged message back under its old id (at-least-once delivery seen by the client). */
  redeliver(responseId: string): QueuedMessage | undefined {
    const message = this.#acknowledged.get(responseId);
    if (!message) return undefined;
    this.#acknowledged.delete(responseId);
    delete message.acknowledgedAt;
    this.#pending.set(responseId, message);
    return message;
  }

  /** The next `count` enqueued messages are each delivered twice (a copy under a new id). */
  duplicateNext(count: number): void {
    this.#duplicateNext += count;
  }

  /** Copies a pending message under a new id now. */
  duplicate(responseId: string): QueuedMessage | undefined {
    const message = this.#pending.get(responseId) ?? this.#acknowledged.get(responseId);
    if (!message) return undefined;
    const { responseId: _old, deliveries: _deliveries, acknowledgedAt: _acknowledged, ...rest } = message;
    return this.#add(rest);
  }

  setDeliveryOrder(order: DeliveryOrder): void {
    this.#order = order;
  }

  get deliveryOrder(): DeliveryOrder {
    return this.#order;
  }

  /** Drops pending messages older than `retentionMs`; returns how many expired. */
  expire(now: Date, retentionMs: number): number {
    const limit = now.getTime() - retentionMs;
    let expired = 0;
    for (const [id, message] of this.#pending) {
      if (Date.parse(message.createdAt) >= limit) break; // insertion order = creation order
      this.#pending.delete(id);
      expired += 1;
    }
    return expired;
  }

  pending(filter: QueueFilter = {}): QueuedMessage[] {
    return this.#matching(filter);
  }

  acknowledged(): QueuedMessage[] {
    return [...this.#acknowledged.values()];
  }

  get size(): number {
    return this.#pending.size;
  }

  #matching(filter: QueueFilter): QueuedMessage[] {
    return [...this.#pending.values()].filter((message) => matches(message, filter));
  }
}

function matches(message: QueuedMessage, filter: QueueFilter): boolean {
  if (filter.family && message.family !== filter.family && !message.typeHeader.startsWith(filter.family)) {
    return false;
  }
  if (filter.endUser) {
    if (!message.endUser) return false;
    if (
      message.endUser.registryCode !== filter.endUser.registryCode ||
      message.endUser.country !== filter.endUser.country
    ) {
      return false;
    }
  }
  return true;
}
