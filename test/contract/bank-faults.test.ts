import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  batch,
  DEMO_END_USER,
  drain,
  EXTERNAL_CREDITOR,
  type Harness,
  startHarness,
} from './bank-harness.ts';

describe('faults and retries', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    h.simulator.clearFaults();
    await drain(h.gateway);
    h.delays.length = 0;
  });

  it('retries a 5xx burst on reads with growing backoff and succeeds', async () => {
    h.simulator.addFault({ kind: 'status', status: 503, route: 'heartbeat', count: 2 });
    await expect(h.gateway.heartbeat()).resolves.toMatchObject({ ok: true });
    expect(h.delays).toEqual([75, 150]); // equal jitter with random 0.5: base 100 → [50,100), then [100,200)
  });

  it('gives up after maxAttempts with BankUnavailableError', async () => {
    h.simulator.addFault({ kind: 'status', status: 502, route: 'heartbeat', count: 10 });
    await expect(h.gateway.heartbeat()).rejects.toMatchObject({
      name: 'BankUnavailableError',
      status: 502,
      retryable: true,
    });
    expect(h.delays).toHaveLength(3);
  });

  it('honours Retry-After on 429', async () => {
    h.simulator.addFault({ kind: 'rate-limit', retryAfterSeconds: 2, route: 'messages-next' });
    await h.gateway.nextMessage();
    expect(h.delays).toEqual([2_000]);
  });

  it('does not wait for a Retry-After longer than the configured maximum', async () => {
    h.simulator.addFault({ kind: 'rate-limit', retryAfterSeconds: 120, route: 'messages-next' });
    await expect(h.gateway.nextMessage()).rejects.toMatchObject({
      name: 'BankRateLimitedError',
      retryAfterMs: 120_000,
    });
    expect(h.delays).toEqual([]);
  });

  it('maps a lost answer to a timeout and retries it', async () => {
    h.simulator.addFault({ kind: 'timeout', route: 'heartbeat' });
    await expect(h.gateway.heartbeat()).resolves.toMatchObject({ ok: true });
    expect(h.delays).toHaveLength(1);
    const noRetry = h.makeGateway({ retry: { maxAttempts: 1 } });
    h.simulator.addFault({ kind: 'timeout', route: 'heartbeat' });
    await expect(noRetry.heartbeat()).rejects.toMatchObject({ name: 'BankTimeoutError', phase: 'response' });
  });

  it('maps a connection dropped mid-body to BankUnavailableError and retries the read', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 100 }]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    h.simulator.addFault({ kind: 'drop-mid-body', route: 'messages-next' });
    const message = await h.gateway.nextMessage();
    expect(message?.type).toBe('pain.002');
    expect(h.delays).toHaveLength(1);
    const noRetry = h.makeGateway({ retry: { maxAttempts: 1 } });
    h.simulator.addFault({ kind: 'drop-mid-body', route: 'messages-next' });
    await expect(noRetry.nextMessage()).rejects.toMatchObject({ name: 'BankUnavailableError' });
  });

  it('refuses an oversized answer without reading it all (streamed and declared length)', async () => {
    const small = h.makeGateway({ maxResponseBytes: 64 * 1024, retry: { maxAttempts: 1 } });
    h.simulator.addFault({ kind: 'oversized', route: 'messages-next', bytes: 4 * 1024 * 1024 });
    await expect(small.nextMessage()).rejects.toMatchObject({
      name: 'BankResponseTooLargeError',
      retryable: false,
    });
    h.simulator.addFault({
      kind: 'oversized',
      route: 'messages-next',
      bytes: 4 * 1024 * 1024,
      declareLength: true,
    });
    await expect(small.nextMessage()).rejects.toMatchObject({ name: 'BankResponseTooLargeError' });
  });

  it('hands a malformed XML message to the caller as-is (type from header) so it can be quarantined', async () => {
    h.simulator.addFault({ kind: 'malformed-xml', route: 'messages-next' });
    const message = await h.gateway.nextMessage();
    expect(message?.body).toContain('BROKEN-MESSAGE');
    expect(message?.body.trimEnd().endsWith('</Document>')).toBe(false);
    await h.gateway.acknowledge(message?.responseId ?? '');
    // a document that is not XML at all, with no usable type header, comes back typed `unknown`
    h.simulator.bank.injectMessage({ body: 'this is not XML', typeHeader: 'garbage' });
    const junk = await h.gateway.nextMessage();
    expect(junk).toMatchObject({ type: 'unknown', body: 'this is not XML', typeHeader: 'garbage' });
    await h.gateway.acknowledge(junk?.responseId ?? '');
  });

  it('retries a payment submission only with the same MsgId: a lost answer ends as already-accepted, one batch at the bank', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 4_200 }]);
    h.simulator.addFault({ kind: 'timeout', route: 'payment' }); // bank stores it, answer is lost
    h.simulator.addFault({ kind: 'status', status: 503, route: 'payment' }); // then a 503
    const receipt = await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    expect(receipt).toMatchObject({ outcome: 'already-accepted', attempts: 3, messageId: payment.messageId });
    const deliveries = h.simulator.bank
      .received()
      .filter((r) => r.route === 'payment')
      .slice(-2);
    expect(h.simulator.bank.batches().filter((b) => b.messageId === payment.messageId)).toHaveLength(1);
    expect(deliveries.map((r) => r.outcome)).toEqual([202, 409]);
    expect(h.simulator.bank.submissionsOf(payment.messageId).map((r) => r.outcome)).toEqual([202, 409]);
    // every batch the bank holds has a distinct MsgId: nothing was resubmitted under a new id
    const ids = h.simulator.bank.batches().map((b) => b.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a dropped connection on submission is retried with identical bytes', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 4_300 }]);
    h.simulator.addFault({ kind: 'drop-connection', route: 'payment' });
    const receipt = await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    expect(receipt.outcome).toBe('already-accepted');
    expect(h.simulator.bank.batch(payment.messageId)?.payments).toHaveLength(1);
  });

  it('a 5xx before the bank stored anything is retried and accepted normally', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 4_400 }]);
    h.simulator.addFault({ kind: 'status', status: 500, route: 'payment', count: 2 });
    const receipt = await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    expect(receipt).toMatchObject({ outcome: 'accepted', attempts: 3 });
  });

  it('acknowledgements are retried and idempotent', async () => {
    const payment = batch([{ iban: EXTERNAL_CREDITOR, minor: 100 }]);
    await h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: payment });
    const message = await h.gateway.nextMessage();
    h.simulator.addFault({ kind: 'drop-connection', route: 'message-delete' });
    // first attempt deletes then drops; the retry finds it gone
    await expect(h.gateway.acknowledge(message?.responseId ?? '')).resolves.toMatchObject({
      outcome: 'already-gone',
    });
    await expect(h.gateway.acknowledge(message?.responseId ?? '')).resolves.toMatchObject({
      outcome: 'already-gone',
    });
  });

  it('connection refused maps to BankUnavailableError', async () => {
    const { HttpBankGateway } = await import('#shared/bank/http-bank-gateway.ts');
    const { parseBankGatewayConfig } = await import('#shared/bank/config.ts');
    const closed = new HttpBankGateway(
      parseBankGatewayConfig({ baseUrl: 'https://127.0.0.1:1/', retry: { maxAttempts: 1 } }),
      {
        credentials: {
          certPem: h.simulator.clientTls.cert,
          keyPem: h.simulator.clientTls.key,
          caPem: h.simulator.clientTls.ca,
        },
      },
    );
    await expect(closed.heartbeat()).rejects.toMatchObject({ name: 'BankUnavailableError', retryable: true });
    closed.close();
  });

  it('a configured rate limit answers 429 with Retry-After once the burst is used up', async () => {
    const limited = await startHarness({ settings: { rateLimit: { requestsPerSecond: 0.1, burst: 2 } } });
    try {
      const once = limited.makeGateway({ retry: { maxAttempts: 1 } });
      await once.heartbeat();
      await once.heartbeat();
      await expect(once.heartbeat()).rejects.toMatchObject({
        name: 'BankRateLimitedError',
        status: 429,
        retryAfterMs: 10_000,
      });
    } finally {
      await limited.close();
    }
  });
});
