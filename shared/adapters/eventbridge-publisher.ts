// EventPublisher on an EventBridge bus: `source` is the connector, `detail-type` the event type, and the
// event id travels in the detail so consumers can drop repeats.
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import type { DomainEvent, EventPublisher } from '../app/events.ts';
import { InfrastructureError } from '../errors.ts';

export const eventSource = 'envoice.coop-pank-connector';

export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;
  readonly #busName: string;

  constructor(client: EventBridgeClient, busName: string) {
    this.#client = client;
    this.#busName = busName;
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 10) {
      const chunk = events.slice(start, start + 10);
      let result: PutEventsCommandOutput;
      try {
        result = await this.#client.send(
          new PutEventsCommand({
            Entries: chunk.map((event) => ({
              EventBusName: this.#busName,
              Source: eventSource,
              DetailType: event.type,
              Time: new Date(event.occurredAt),
              Detail: JSON.stringify({ eventId: event.eventId, companyId: event.companyId, ...event.detail }),
            })),
          }),
        );
      } catch (error) {
        throw new InfrastructureError('Publishing events failed', { cause: error });
      }
      if (result.FailedEntryCount) {
        throw new InfrastructureError(`${result.FailedEntryCount} events were not accepted by EventBridge`);
      }
    }
  }
}
