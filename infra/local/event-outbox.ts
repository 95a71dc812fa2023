// The local EventPublisher: what would go to the EventBridge bus is kept in memory (for tests and the demo)
// and appended to .local/events.jsonl.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DomainEvent, EventPublisher } from '../../shared/app/events.ts';

export class OutboxEventPublisher implements EventPublisher {
  readonly #file: string | undefined;
  readonly published: DomainEvent[] = [];

  constructor(options: { file?: string } = {}) {
    this.#file = options.file;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    this.published.push(...events);
    if (this.#file && events.length > 0) {
      await mkdir(dirname(this.#file), { recursive: true });
      await appendFile(this.#file, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
    }
  }
}
