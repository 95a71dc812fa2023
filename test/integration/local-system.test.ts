// The one-command local system and the scripted demo: startLocalSystem in-process on free ports (the tier's
// DynamoDB Local, the bank simulator over mTLS, the synthesized state machine with the real handlers, the
// timers), then every check of `npm run demo` through its HTTP API, plus the docs page and control routes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_START, runDemo } from '../../infra/local/demo-flow.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';

describe('local system (npm start) and the scripted demo (npm run demo)', () => {
  let system: LocalSystem;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'local-system-test-'));
    system = await startLocalSystem({
      dataDir,
      dynamoDb: { endpoint: inject('dynamoDbEndpoint') },
      tableName: `local-system-${Date.now().toString(36)}`,
      port: 0,
      startAt: DEMO_START,
      collectorIntervalMs: 500,
      print: (line) => lines.push(line),
    });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the OpenAPI document, the offline docs page and the local control routes', async () => {
    const openApi = await fetch(`${system.apiUrl}/openapi.json`);
    expect(openApi.status).toBe(200);
    expect(((await openApi.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
    const docs = await fetch(`${system.apiUrl}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    const page = await docs.text();
    expect(page).toContain("fetch('/openapi.json')");
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/); // self-contained: no CDN
    const info = (await (await fetch(`${system.apiUrl}/local/info`)).json()) as Record<string, string>;
    expect(info.bankControlUrl).toBe(system.bankControlUrl);
    expect(info.now?.slice(0, 10)).toBe('2026-03-02');
    const banks = await fetch(`${system.apiUrl}/v1/banks`, {
      headers: { authorization: `Bearer ${system.tokens.viewer}` },
    });
    expect(banks.status).toBe(200);
    expect((await fetch(`${system.apiUrl}/v1/banks`)).status).toBe(401);
    expect((await fetch(`${system.apiUrl}/local/nothing`)).status).toBe(404);
  });

  it('runs the whole demo flow with every expected outcome', async () => {
    const timeline: string[] = [];
    const result = await runDemo({ apiUrl: system.apiUrl, print: (line) => timeline.push(line) });
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed, timeline.join('\n')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'Connection active',
        'Summary shows one possible duplicate to acknowledge',
        'Batch final: partially completed',
        'Payments: 24 paid, 1 rejected (AC04)',
        'Rejection notified',
        'Payments booked from the statement',
        'IncomingPaymentReceived published',
      ]),
    );
    // The outboxes are files too.
    const notifications = readFileSync(join(dataDir, 'notifications.jsonl'), 'utf8');
    expect(notifications).toContain('payment_rejected');
    const events = readFileSync(join(dataDir, 'events.jsonl'), 'utf8');
    expect(events).toContain('IncomingPaymentReceived');
    // The demo revoked its connection: the demo customer is free for the next run.
    expect(await system.companiesRouting('EE', '12345678')).toEqual([]);
  }, 120_000);

  it('keeps the issuer key: a token issued before a restart still verifies', async () => {
    const token = system.tokens.viewer;
    const { loadOrCreateIssuer } = await import('../../infra/local/persistent-issuer.ts');
    const again = loadOrCreateIssuer(join(dataDir, 'issuer-key.pem'));
    expect(again.publicKeyPem).toBe(system.issuer.publicKeyPem);
    expect(token.split('.')).toHaveLength(3);
  });
});
