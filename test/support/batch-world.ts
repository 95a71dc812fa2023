// A whole connector for workflow tests: DynamoDB Local (own table), the bank simulator over HTTPS + mTLS with a
// manual clock, the synthesized state machine on manual timers, the real handlers, and an onboarded company.

import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { ManualTimers } from '../../infra/local/workflow/timers.ts';
import type { CollectorRun } from '../../shared/app/collect-bank-messages.ts';
import type { StoredPayment, StoredPaymentBatch } from '../../shared/app/ports.ts';
import { DEMO_ACCOUNT, DEMO_END_USER, type Harness, startHarness } from '../contract/bank-harness.ts';
import { type Caller, httpCaller, onboard, paymentLine } from '../integration/api/harness.ts';
import { isolatedTable } from './dynamodb.ts';
import { sharedTemplate } from './template.ts';

export const COMPANY = 'company-demo';

export interface BatchWorld {
  bank: Harness;
  runtime: LocalRuntime;
  timers: ManualTimers;
  payer: Caller;
  /** Drafts and confirms a batch through the API; returns its id once the workflow has submitted it. */
  payBatch(lines: Array<Record<string, unknown>>): Promise<string>;
  /** Runs the collector until the bank's queue is empty and nothing else is in flight. */
  settle(): Promise<CollectorRun[]>;
  /** Moves the bank's clock and the workflow's timers forward together. */
  advance(ms: number): Promise<void>;
  batch(batchId: string): Promise<StoredPaymentBatch>;
  payments(batchId: string): Promise<StoredPayment[]>;
  close(): Promise<void>;
}

export const minutes = (n: number) => n * 60_000;
export const days = (n: number) => n * 24 * 3_600_000;

export async function startBatchWorld(): Promise<BatchWorld> {
  const table = await isolatedTable();
  const bank = await startHarness({ settings: { signing: 'manual' } });
  const timers = new ManualTimers(bank.clock.now());
  const logs: string[] = [];
  const runtime = await startLocalRuntime({
    dynamoDbEndpoint: table.endpoint,
    tableName: table.tableName,
    bank: { url: bank.simulator.url, clientTls: bank.simulator.clientTls },
    template: await sharedTemplate(),
    clock: bank.clock,
    timers,
    retryIntervalMs: 0,
    print: (line) => logs.push(line),
  });
  const call = (token: string): Caller => httpCaller(runtime, token);
  const admin = call(
    runtime.issuer.issue({
      userId: 'mari',
      companyId: COMPANY,
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    }),
  );
  await onboard(admin, { iban: DEMO_ACCOUNT, registryCode: DEMO_END_USER.registryCode });
  let keys = 0;

  const world: BatchWorld = {
    bank,
    runtime,
    timers,
    payer: admin,
    async payBatch(lines) {
      const draft = await admin.call<{ id: string }>('POST', '/v1/payment-batches', {
        debtorAccountId: DEMO_ACCOUNT,
        payments: lines.map((line) => paymentLine(line)),
      });
      if (draft.status !== 201) throw new Error(`draft refused: ${draft.raw}`);
      keys += 1;
      const confirmed = await admin.call(
        'POST',
        `/v1/payment-batches/${draft.body.id}/confirm`,
        {},
        {
          'idempotency-key': `world-confirm-${keys}-${draft.body.id}`,
        },
      );
      if (confirmed.status !== 202) throw new Error(`confirm refused: ${confirmed.raw}`);
      await waitFor(async () => {
        const batch = await world.batch(draft.body.id);
        const execution = runtime.workflow.execution(draft.body.id);
        if (execution?.status === 'FAILED') throw new Error(`workflow failed: ${execution.error?.message}`);
        return batch.status !== 'confirmed' && batch.status !== 'submitting';
      });
      return draft.body.id;
    },
    async settle() {
      const runs: CollectorRun[] = [];
      // The workflow's own nudge may be collecting at the same time ("busy"): give it time to finish.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const run = await runtime.collect();
        runs.push(run);
        const quiet = run.processed === 0 && run.alreadyDone === 0 && run.quarantined === 0;
        if (quiet && run.stoppedBecause === 'queue-empty') return runs;
        if (run.stoppedBecause === 'busy') await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(
        `the bank queue did not settle: ${JSON.stringify(runs.at(-1))}\n${logs.slice(-10).join('\n')}`,
      );
    },
    async advance(ms) {
      bank.simulator.advanceTime(ms);
      await timers.advanceBy(ms);
    },
    async batch(batchId) {
      const batch = await runtime.store.batches.get(COMPANY, batchId);
      if (!batch) throw new Error(`batch ${batchId} not found`);
      return batch;
    },
    payments: (batchId) => runtime.store.batches.allPayments(COMPANY, batchId),
    async close() {
      await runtime.close();
      await bank.close();
    },
  };
  return world;
}

/** Polls until `condition` holds (each poll lets the in-process workflow run). */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('condition not reached in time');
}

export { DEMO_ACCOUNT, DEMO_END_USER };
