import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority } from '#infra/local/bank-simulator/certificates.ts';
import { findXsdDirectory } from '#infra/local/bank-simulator/documents.ts';
import { ConfigError } from '#shared/errors.ts';
import {
  batch,
  DEMO_ACCOUNT,
  DEMO_END_USER,
  EXTERNAL_CREDITOR,
  type Harness,
  NO_STATEMENTS_ACCOUNT,
  startHarness,
} from './bank-harness.ts';

describe('mutual TLS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a client without a certificate', async () => {
    const { request } = await import('node:https');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${h.simulator.url}/heartbeat`, { ca: h.simulator.clientTls.ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });

  it('maps a certificate from an unknown CA to BankAuthenticationError', async () => {
    const foreign = await createCertificateAuthority('Some Other CA');
    const client = await foreign.sign('CN=Envoice Operator, O=Envoice OU', { usage: 'client' });
    const gateway = h.makeGateway(
      {},
      { certPem: client.certPem, keyPem: client.keyPem, caPem: h.simulator.clientTls.ca },
    );
    await expect(gateway.heartbeat()).rejects.toMatchObject({
      name: 'BankAuthenticationError',
      status: 401,
      bankErrorCode: 'CERTIFICATE_UNTRUSTED',
      retryable: false,
    });
  });

  it('refuses a server whose certificate our CA bundle does not trust (wrong CA configured)', async () => {
    const foreign = await createCertificateAuthority('Wrong CA');
    const gateway = h.makeGateway(
      {},
      { certPem: h.simulator.clientTls.cert, keyPem: h.simulator.clientTls.key, caPem: foreign.certPem },
    );
    await expect(gateway.heartbeat()).rejects.toMatchObject({
      name: 'BankAuthenticationError',
      retryable: false,
    });
    expect(h.delays.length).toBe(0);
  });

  it('refuses an unregistered certificate from the trusted CA', async () => {
    const ca = await import('#infra/local/bank-simulator/certificates.ts').then((m) =>
      m.loadCertificateAuthority(h.simulator.certificates.ca),
    );
    const stranger = await ca.sign('CN=Somebody Else, O=Other OU', { usage: 'client' });
    const gateway = h.makeGateway(
      {},
      { certPem: stranger.certPem, keyPem: stranger.keyPem, caPem: h.simulator.clientTls.ca },
    );
    await expect(gateway.heartbeat()).rejects.toMatchObject({ bankErrorCode: 'CERTIFICATE_NOT_REGISTERED' });
  });

  it('accepts the test certificate in sandbox but refuses it in live', async () => {
    const testCredentials = {
      certPem: h.simulator.testClientTls.cert,
      keyPem: h.simulator.testClientTls.key,
      caPem: h.simulator.testClientTls.ca,
    };
    await expect(h.makeGateway({}, testCredentials).heartbeat()).resolves.toMatchObject({ ok: true });
    const live = await startHarness({
      settings: { environment: 'live' },
      certificates: h.simulator.certificates,
    });
    try {
      await expect(live.makeGateway({}, testCredentials).heartbeat()).rejects.toMatchObject({
        name: 'BankAuthenticationError',
        bankErrorCode: 'TEST_CERTIFICATE_IN_LIVE',
      });
      await expect(live.gateway.heartbeat()).resolves.toMatchObject({ ok: true });
    } finally {
      await live.close();
    }
  });

  it('fails at construction, not at the first call, when the key does not match or cannot be read', () => {
    expect(() => h.makeGateway({}, { certPem: h.simulator.clientTls.cert, keyPem: 'not a key' })).toThrow(
      ConfigError,
    );
  });

  it('works with a password-protected PKCS#12 bundle', async (context) => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-p12-'));
    writeFileSync(join(dir, 'cert.pem'), h.simulator.clientTls.cert);
    writeFileSync(join(dir, 'key.pem'), h.simulator.clientTls.key);
    try {
      execFileSync('openssl', [
        'pkcs12',
        '-export',
        '-in',
        join(dir, 'cert.pem'),
        '-inkey',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'client.p12'),
        '-passout',
        'pass:s3cret',
      ]);
    } catch {
      context.skip('openssl CLI not available to build a .p12');
      return;
    }
    const pfx = readFileSync(join(dir, 'client.p12'));
    const gateway = h.makeGateway({}, { pfx, passphrase: 's3cret', caPem: h.simulator.clientTls.ca });
    await expect(gateway.heartbeat()).resolves.toMatchObject({ ok: true });
    expect(() => h.makeGateway({}, { pfx, passphrase: 'wrong', caPem: h.simulator.clientTls.ca })).toThrow(
      ConfigError,
    );
  });
});

describe('operator headers and agreements', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses a service call without the end-user headers', async () => {
    const singleClient = h.makeGateway({ mode: 'single-client' });
    await expect(
      singleClient.submitPayments({
        endUser: DEMO_END_USER,
        batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]),
      }),
    ).rejects.toMatchObject({
      name: 'BankRequestRejectedError',
      status: 400,
      bankErrorCode: 'END_USER_HEADERS_MISSING',
    });
  });

  it('refuses an end user without an agreement', async () => {
    await expect(
      h.gateway.submitPayments({
        endUser: { registryCode: '99999999', country: 'EE' },
        batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]),
      }),
    ).rejects.toMatchObject({
      name: 'BankNotPermittedError',
      status: 403,
      bankErrorCode: 'END_USER_NOT_AUTHORIZED',
    });
  });

  it('refuses an account outside the agreement and a service the account does not allow', async () => {
    await expect(
      h.gateway.submitPayments({
        endUser: DEMO_END_USER,
        batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }], { debtorIban: 'EE471000001020145685' }),
      }),
    ).rejects.toMatchObject({ name: 'BankNotPermittedError', bankErrorCode: 'ACCOUNT_NOT_PERMITTED' });
    await expect(
      h.gateway.requestStatement({
        endUser: DEMO_END_USER,
        messageId: 'STM-NOPERM-1',
        iban: NO_STATEMENTS_ACCOUNT,
        fromDate: '2026-03-01',
        toDate: '2026-03-01',
      }),
    ).rejects.toMatchObject({ name: 'BankNotPermittedError', bankErrorCode: 'SERVICE_NOT_PERMITTED' });
  });

  it('refuses a pain.001 over the per-message transaction limit', async () => {
    const limited = await startHarness({ settings: { maxTransactionsPerMessage: 2 } });
    try {
      const big = batch([1, 2, 3].map((minor) => ({ iban: EXTERNAL_CREDITOR, minor })));
      await expect(
        limited.gateway.submitPayments({ endUser: DEMO_END_USER, batch: big }),
      ).rejects.toMatchObject({
        name: 'BankRequestRejectedError',
        status: 400,
        bankErrorCode: 'TOO_MANY_TRANSACTIONS',
      });
    } finally {
      await limited.close();
    }
  });

  it('logs calls with masked IBANs and never the XML body', async () => {
    const { HttpBankGateway } = await import('#shared/bank/http-bank-gateway.ts');
    const { parseBankGatewayConfig } = await import('#shared/bank/config.ts');
    const lines: string[] = [];
    const record = (message: string, attributes?: Record<string, unknown>) =>
      lines.push(`${message} ${JSON.stringify(attributes)}`);
    const gateway = new HttpBankGateway(parseBankGatewayConfig({ baseUrl: h.simulator.url }), {
      credentials: {
        certPem: h.simulator.clientTls.cert,
        keyPem: h.simulator.clientTls.key,
        caPem: h.simulator.clientTls.ca,
      },
      logger: { debug: record, info: record, warn: record },
    });
    await gateway.submitPayments({
      endUser: DEMO_END_USER,
      batch: batch([{ iban: EXTERNAL_CREDITOR, minor: 1 }]),
    });
    gateway.close();
    const text = lines.join('\n');
    const { maskIban } = await import('#shared/domain/iban.ts');
    expect(text).toContain(maskIban(DEMO_ACCOUNT));
    expect(text).not.toContain(DEMO_ACCOUNT);
    expect(text).not.toContain(EXTERNAL_CREDITOR);
    expect(text).not.toContain('<Document');
  });
});

describe('XSD validation of received pain.001', () => {
  it('accepts a valid pain.001 and refuses one that breaks its schema', async (context) => {
    if (!(await findXsdDirectory())) {
      context.skip('ISO 20022 corpus (../shared/iso20022/xsd) not present; set ISO20022_CORPUS_DIR');
      return;
    }
    const h = await startHarness({ settings: { validateXsd: true } });
    try {
      const good = batch([{ iban: EXTERNAL_CREDITOR, minor: 100 }]);
      await expect(h.gateway.submitPayments({ endUser: DEMO_END_USER, batch: good })).resolves.toMatchObject({
        outcome: 'accepted',
      });
      // a document the codec can read but the XSD refuses (unknown element inserted in the group header)
      const { buildPain001 } = await import('#shared/iso20022/index.ts');
      const bad = buildPain001(batch([{ iban: EXTERNAL_CREDITOR, minor: 100 }]), {
        version: 'pain.001.001.03',
      }).xml.replace('</GrpHdr>', '<Unexpected>1</Unexpected></GrpHdr>');
      const { request } = await import('node:https');
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${h.simulator.url}/payment`,
          {
            method: 'POST',
            cert: h.simulator.clientTls.cert,
            key: h.simulator.clientTls.key,
            ca: h.simulator.clientTls.ca,
            headers: { 'Client-Code': '12345678', 'Client-Country': 'EE', 'content-type': 'application/xml' },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(bad);
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).code).toBe('SCHEMA_VALIDATION_FAILED');
    } finally {
      await h.close();
    }
  });
});
