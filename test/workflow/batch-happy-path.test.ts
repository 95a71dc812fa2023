// A confirmed batch goes through the synthesized state machine with the real handlers, DynamoDB Local and
// the bank simulator: submitted, acknowledged, signed in the bank, executed, finalized.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchWorld, startBatchWorld, waitFor } from '../support/batch-world.ts';

describe('batch lifecycle: happy path', () => {
  let world: BatchWorld;

  beforeAll(async () => {
    world = await startBatchWorld();
  });
  afterAll(() => world?.close());

  it('submits once, waits for signing, and completes when the bank executes every payment', async () => {
    const batchId = await world.payBatch([{}, {}, {}]);
    const submitted = await world.batch(batchId);
    expect(submitted.status).toBe('submitted');
    const messageId = submitted.submissions?.[0]?.messageId ?? '';
    expect(world.bank.simulator.bank.submissionsOf(messageId)).toHaveLength(1);

    await world.settle();
    expect((await world.batch(batchId)).status).toBe('awaiting_signature');
    expect((await world.payments(batchId)).map((p) => p.status)).toEqual([
      'pending_signature',
      'pending_signature',
      'pending_signature',
    ]);

    world.bank.simulator.sign(messageId);
    await world.settle();
    const execution = await world.runtime.workflow.waitForExecution(batchId);
    expect(execution.status).toBe('SUCCEEDED');
    const done = await world.batch(batchId);
    expect(done.status).toBe('completed');
    expect((await world.payments(batchId)).every((p) => p.status === 'settled')).toBe(true);
    expect(world.runtime.notifier.sent).toEqual([]);
    const changes = world.runtime.events.published.filter((e) => e.type === 'PaymentStatusChanged');
    expect(changes.map((e) => (e.type === 'PaymentStatusChanged' ? e.detail.to : ''))).toEqual(
      expect.arrayContaining(['pending_signature', 'settled']),
    );
    await waitFor(async () => world.runtime.workflow.execution(batchId)?.status === 'SUCCEEDED');
  });
});
