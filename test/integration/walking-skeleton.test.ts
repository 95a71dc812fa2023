// One thin path through every layer: HTTP → authorizer → handler → DynamoDB Local → synthesized state machine
// executed locally → task handler → the bank simulator over HTTPS + mTLS → DynamoDB Local → HTTP. The batch
// is drafted, confirmed, and submitted to the (simulated) bank; the machine then waits for the bank's answer.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { DEMO_ACCOUNT, DEMO_END_USER, type Harness, startHarness } from '../contract/bank-harness.ts';
import { waitFor } from '../support/batch-world.ts';
import { isolatedTable } from '../support/dynamodb.ts';
import { sharedTemplate } from '../support/template.ts';
import { coopIbans, httpCaller, onboard, paymentLine } from './api/harness.ts';

describe('walking skeleton: create a payment batch and watch the workflow update it', () => {
  let runtime: LocalRuntime;
  let table: Awaited<ReturnType<typeof isolatedTable>>;
  let tokenA: string;
  let tokenB: string;
  let bank: Harness;

  afterAll(async () => {
    await runtime?.close();
    await bank?.close();
  });

  beforeAll(async () => {
    table = await isolatedTable();
    bank = await startHarness();
    runtime = await startLocalRuntime({
      dynamoDbEndpoint: table.endpoint,
      tableName: table.tableName,
      clock: bank.clock,
      bank: { url: bank.simulator.url, clientTls: bank.simulator.clientTls },
      template: await sharedTemplate(),
      print: () => {},
    });
    tokenA = runtime.issuer.issue({
      userId: 'user-a',
      companyId: 'company-a',
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    tokenB = runtime.issuer.issue({ userId: 'user-b', companyId: 'company-b', roles: ['payer'] });
    await onboard(httpCaller(runtime, tokenA), {
      iban: DEMO_ACCOUNT,
      registryCode: DEMO_END_USER.registryCode,
    });
  });

  const createAndConfirm = async (count: number) => {
    const created = await runtime.handleHttp({
      method: 'POST',
      path: '/v1/payment-batches',
      headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        debtorAccountId: DEMO_ACCOUNT,
        payments: Array.from({ length: count }, () => paymentLine()),
      }),
    });
    expect(created.statusCode).toBe(201);
    const batch = JSON.parse(created.body) as { id: string; status: string };
    expect(batch.status).toBe('draft');
    expect(created.headers?.location).toBe(`/v1/payment-batches/${batch.id}`);
    const confirmed = await runtime.handleHttp({
      method: 'POST',
      path: `/v1/payment-batches/${batch.id}/confirm`,
      headers: { authorization: `Bearer ${tokenA}`, 'idempotency-key': `skeleton-${batch.id}` },
      body: '{}',
    });
    expect(confirmed.statusCode).toBe(202);
    expect(JSON.parse(confirmed.body)).toMatchObject({ id: batch.id, status: 'confirmed' });
    return batch;
  };

  it('stores the batch, runs the synthesized state machine and shows the status it set', async () => {
    const batch = await createAndConfirm(3);

    // The workflow submits the pain.001 to the bank and then waits (task token) for the bank's answer.
    await waitFor(async () =>
      runtime.workflow.pendingTasks().some((task) => task.executionName === batch.id),
    );
    const execution = runtime.workflow.execution(batch.id);
    const enteredStates = execution?.events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName);
    expect(enteredStates).toEqual(['SubmitToBank', 'CollectNow', 'AwaitBankAcknowledgement']);

    // The item really is in DynamoDB Local, under the company's partition, written by the workflow task.
    const stored = await table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: 'COMPANY#company-a', sk: `BATCH#${batch.id}` },
      }),
    );
    // Submitted, or already awaiting signature when the CollectNow nudge has read the bank's first answer.
    expect(['submitted', 'awaiting_signature']).toContain(stored.Item?.status);
    expect(stored.Item).toMatchObject({
      paymentCount: 3,
      workflowExecutionName: batch.id,
    });
    const submissions = (stored.Item?.submissions ?? []) as Array<{ messageId: string }>;
    const messageId = submissions[0]?.messageId ?? '';
    // ...and the simulated bank received exactly that message, over mTLS, for the right end user.
    const atBank = bank.simulator.bank.batch(messageId);
    expect(atBank).toBeDefined();
    expect(bank.simulator.bank.submissionsOf(messageId)).toHaveLength(1);

    const fetched = await runtime.handleHttp({
      method: 'GET',
      path: `/v1/payment-batches/${batch.id}`,
      headers: { authorization: `Bearer ${tokenA}` },
    });
    expect(fetched.statusCode).toBe(200);
    const shown = JSON.parse(fetched.body) as { timeline: { action: string }[] };
    expect(['submitted', 'awaiting_signature']).toContain((shown as { status?: string }).status);
    expect(shown).toMatchObject({ id: batch.id, paymentCount: 3 });
    expect(shown.timeline.map((event) => event.action)).toContain('PaymentBatchSubmitted');
  });

  it("does not show one company's batch to another company", async () => {
    const { id } = await createAndConfirm(1);
    const asB = await runtime.handleHttp({
      method: 'GET',
      path: `/v1/payment-batches/${id}`,
      headers: { authorization: `Bearer ${tokenB}` },
    });
    expect(asB.statusCode).toBe(404);
    expect(asB.headers?.['content-type']).toBe('application/problem+json');
    expect(asB.body).not.toContain('company-a');
  });

  it('refuses requests without a valid token and stores nothing for invalid bodies', async () => {
    const countItems = async () => {
      const result = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'COMPANY#company-a' },
          Select: 'COUNT',
        }),
      );
      return result.Count ?? 0;
    };
    const before = await countItems();
    const anonymous = await runtime.handleHttp({ method: 'POST', path: '/v1/payment-batches', body: '{}' });
    expect(anonymous.statusCode).toBe(401);

    const invalid = await runtime.handleHttp({
      method: 'POST',
      path: '/v1/payment-batches',
      headers: { authorization: `Bearer ${tokenA}` },
      body: JSON.stringify({ debtorAccountId: coopIbans[0], payments: [] }),
    });
    expect(invalid.statusCode).toBe(400);
    const problem = JSON.parse(invalid.body) as { errors: Array<{ path: string }> };
    expect(problem.errors[0]?.path).toBe('payments');
    expect(await countItems()).toBe(before);
  });
});
