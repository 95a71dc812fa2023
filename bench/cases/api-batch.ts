// API benchmark: create a 5,000-payment draft batch and read its summary through the real functions (their
// workers, synthesized environments and roles) against DynamoDB Local (target: under 2 s together), reporting
// the DynamoDB requests each step needs, counted at the local AWS endpoint.

import { type BankSimulator, startBankSimulator } from '../../infra/local/bank-simulator/simulator.ts';
import {
  createConnectorTable,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb-local.ts';
import { SharedClock } from '../../infra/local/functions/shared-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { RequestCounter } from '../../shared/adapters/dynamodb/store.ts';
import { createEstonianReference } from '../../shared/domain/reference.ts';
import type { BenchCase } from '../types.ts';

const paymentCount = 5000;
const iban = 'EE654200000000100007';

interface State {
  dynamo: DynamoDbLocal;
  simulator: BankSimulator;
  runtime: LocalRuntime;
  counter: RequestCounter;
  token: string;
  round: number;
  last: { createMs: number; summaryMs: number; create: string; summary: string; totalRequests: number };
  /** create + summary of every run, ms (the first run includes DynamoDB Local's JIT warm-up). */
  totals: number[];
}

async function call(state: State, method: string, path: string, body?: unknown) {
  const response = await state.runtime.handleHttp({
    method,
    path,
    headers: { authorization: `Bearer ${state.token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${path} → ${response.statusCode}: ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as { id: string };
}

const describeCounts = (counter: RequestCounter) =>
  [...counter.counts].map(([name, count]) => `${name.replace('Command', '')} ${count}`).join(', ');

export const cases: BenchCase<State>[] = [
  {
    case: `API: create + summarize ${paymentCount} payments`,
    tool: 'handlers + DynamoDB Local',
    // Five runs, median reported: the machine is shared and DynamoDB Local's JVM warms up over the first run.
    runs: 5,
    async prepare() {
      const dynamo = await startDynamoDbLocal();
      await createConnectorTable(dynamo.endpoint, 'bench');
      const counter = new RequestCounter();
      const clock = new SharedClock();
      const simulator = await startBankSimulator({
        controlPort: false,
        clock,
        seed: { endUsers: [{ registryCode: '10000001', name: 'Bench OÜ', accounts: [{ iban }] }] },
        settings: { validateXsd: false },
      });
      const runtime = await startLocalRuntime({
        dynamoDbEndpoint: dynamo.endpoint,
        tableName: 'bench',
        clock,
        bank: { url: simulator.url, clientTls: simulator.clientTls },
        onDynamoDbRequest: (operation) => counter.add(operation),
        print: () => {},
      });
      const token = runtime.issuer.issue({
        companyId: 'bench-co',
        userId: 'bench',
        personalCode: '38001010001',
        roles: ['admin', 'payer'],
      });
      const state: State = {
        dynamo,
        simulator,
        runtime,
        counter,
        token,
        round: 0,
        last: { createMs: 0, summaryMs: 0, create: '', summary: '', totalRequests: 0 },
        totals: [],
      };
      await call(state, 'POST', '/v1/bank-accounts', { iban });
      const { id } = await call(state, 'POST', '/v1/connections', { registryCode: '10000001' });
      await call(state, 'POST', `/v1/connections/${id}/representation-confirmations`);
      await call(state, 'PUT', `/v1/connections/${id}/accounts`, {
        accounts: [{ accountId: iban, paymentInitiation: true, statementRetrieval: true }],
      });
      await call(state, 'POST', `/v1/connections/${id}/activate`);
      return state;
    },
    async run(state) {
      state.round += 1;
      const payments = Array.from({ length: paymentCount }, (_, index) => ({
        creditorName: `Supplier ${index}`,
        creditorIban: 'EE382200221020145685',
        amount: `${(index % 900) + 1}.${String(index % 100).padStart(2, '0')}`,
        currency: 'EUR',
        reference: createEstonianReference(String(100_000 + index)),
        sourceDocument: { type: index % 5 === 0 ? 'expense_report' : 'bill', id: `r${state.round}-${index}` },
      }));
      const body = JSON.stringify({ debtorAccountId: iban, payments });
      state.counter.reset();
      const started = performance.now();
      const { id } = await call(state, 'POST', '/v1/payment-batches', JSON.parse(body));
      const created = performance.now();
      const create = describeCounts(state.counter);
      const createRequests = state.counter.total;
      state.counter.reset();
      await call(state, 'GET', `/v1/payment-batches/${id}/summary`);
      const done = performance.now();
      state.last = {
        createMs: Math.round(created - started),
        summaryMs: Math.round(done - created),
        create,
        summary: describeCounts(state.counter),
        totalRequests: createRequests + state.counter.total,
      };
      state.totals.push(state.last.createMs + state.last.summaryMs);
      return Buffer.byteLength(body);
    },
    async check(state) {
      await state.runtime.close();
      await state.simulator.stop();
      await state.dynamo.stop();
      const { createMs, summaryMs, create, summary, totalRequests } = state.last;
      const sorted = [...state.totals].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
      const verdict = median < 2000 ? 'under 2 s' : 'OVER 2 s';
      return `${verdict} (median ${median} ms; runs ${state.totals.join('/')} ms; last: create ${createMs} ms, summary ${summaryMs} ms); DynamoDB requests per batch ${totalRequests}: create [${create}], summary [${summary}]`;
    },
  },
];
