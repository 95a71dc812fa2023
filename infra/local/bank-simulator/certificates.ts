// Certificates for the simulator's mutual TLS: a local CA, a server certificate for localhost, and operator
// client certificates (a "live-grade" one, as issued by SK ID Solutions, and a Coop Pank CA "test" one that the
// simulator refuses in live mode). Generated with WebCrypto on first start; no openssl or manual steps needed.
import { webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import './reflect-metadata-shim.ts';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY_MS = 86_400_000;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthority extends PemPair {
  /** Kept for issuing further certificates in-process. */
  readonly sign: (subject: string, options: IssueOptions) => Promise<PemPair>;
}

export interface IssueOptions {
  usage: 'server' | 'client';
  /** DNS names / IP addresses for server certificates. */
  hosts?: string[];
  validDays?: number;
  /** For expiry tests. */
  notBefore?: Date;
}

export interface SimulatorCertificates {
  ca: PemPair;
  server: PemPair;
  /** Operator certificate usable in sandbox and live (like an SK ID Solutions certificate). */
  client: PemPair;
  /** Coop Pank CA test certificate: accepted in sandbox, refused in live. */
  testClient: PemPair;
}

/** Subject organisational unit that marks a Coop Pank CA test certificate. */
export const TEST_CERTIFICATE_UNIT = 'TEST';
export const OPERATOR_COMMON_NAME = 'Envoice Operator';

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), ALGORITHM, true, ['sign']);
}

function isIp(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/** Creates a self-signed CA that can issue server and client certificates. */
export async function createCertificateAuthority(
  name = 'Bank Simulator Local CA',
): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}, O=Envoice Local`,
    keys,
    signingAlgorithm: ALGORITHM,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return loadCertificateAuthority({
    certPem: cert.toString('pem'),
    keyPem: await exportKey(keys.privateKey),
  });
}

/** Wraps an existing CA (PEM pair) so it can issue certificates. */
export function loadCertificateAuthority(pair: PemPair): CertificateAuthority {
  const caCert = new x509.X509Certificate(pair.certPem);
  const sign = async (subject: string, options: IssueOptions): Promise<PemPair> => {
    const keys = await generateKeys();
    const signingKey = await importKey(pair.keyPem);
    const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([options.usage === 'server' ? SERVER_AUTH : CLIENT_AUTH]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ];
    if (options.hosts?.length) {
      extensions.push(
        new x509.SubjectAlternativeNameExtension(
          options.hosts.map((host) => ({ type: isIp(host) ? 'ip' : 'dns', value: host })),
        ),
      );
    }
    const cert = await x509.X509CertificateGenerator.create({
      subject,
      issuer: caCert.subject,
      publicKey: keys.publicKey,
      signingKey,
      signingAlgorithm: ALGORITHM,
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      notBefore,
      notAfter: new Date(notBefore.getTime() + (options.validDays ?? 730) * DAY_MS),
      extensions,
    });
    return { certPem: cert.toString('pem'), keyPem: await exportKey(keys.privateKey) };
  };
  return { ...pair, sign };
}

/** Generates a complete, fresh set (in memory). */
export async function generateSimulatorCertificates(
  hosts = ['localhost', '127.0.0.1', '::1'],
): Promise<SimulatorCertificates> {
  const ca = await createCertificateAuthority();
  const [server, client, testClient] = await Promise.all([
    ca.sign('CN=localhost, O=Bank Simulator', { usage: 'server', hosts }),
    ca.sign(`CN=${OPERATOR_COMMON_NAME}, O=Envoice OU, 2.5.4.5=12345678`, { usage: 'client' }),
    ca.sign(`CN=${OPERATOR_COMMON_NAME}, OU=${TEST_CERTIFICATE_UNIT}, O=Envoice OU, 2.5.4.5=12345678`, {
      usage: 'client',
    }),
  ]);
  return { ca: { certPem: ca.certPem, keyPem: ca.keyPem }, server, client, testClient };
}

const FILES = {
  'ca.pem': (c: SimulatorCertificates) => c.ca.certPem,
  'ca-key.pem': (c: SimulatorCertificates) => c.ca.keyPem,
  'server.pem': (c: SimulatorCertificates) => c.server.certPem,
  'server-key.pem': (c: SimulatorCertificates) => c.server.keyPem,
  'client.pem': (c: SimulatorCertificates) => c.client.certPem,
  'client-key.pem': (c: SimulatorCertificates) => c.client.keyPem,
  'client-test.pem': (c: SimulatorCertificates) => c.testClient.certPem,
  'client-test-key.pem': (c: SimulatorCertificates) => c.testClient.keyPem,
} as const;

/**
 * Loads the certificate set from `directory`, generating and writing it on first use (or when a file is
 * missing or a certificate has expired). Keys are written with mode 0600.
 */
export async function ensureSimulatorCertificates(directory: string): Promise<SimulatorCertificates> {
  const existing = await readCertificateSet(directory);
  if (existing && !isExpiringSoon(existing)) return existing;
  const fresh = await generateSimulatorCertificates();
  await mkdir(directory, { recursive: true, mode: 0o700 });
  for (const [file, pick] of Object.entries(FILES)) {
    const target = join(directory, file);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, pick(fresh), { mode: file.includes('key') ? 0o600 : 0o644 });
    await rename(temporary, target);
  }
  return fresh;
}

async function readCertificateSet(directory: string): Promise<SimulatorCertificates | undefined> {
  try {
    const read = (file: keyof typeof FILES) => readFile(join(directory, file), 'utf8');
    const [ca, caKey, server, serverKey, client, clientKey, testClient, testClientKey] = await Promise.all([
      read('ca.pem'),
      read('ca-key.pem'),
      read('server.pem'),
      read('server-key.pem'),
      read('client.pem'),
      read('client-key.pem'),
      read('client-test.pem'),
      read('client-test-key.pem'),
    ]);
    return {
      ca: { certPem: ca, keyPem: caKey },
      server: { certPem: server, keyPem: serverKey },
      client: { certPem: client, keyPem: clientKey },
      testClient: { certPem: testClient, keyPem: testClientKey },
    };
  } catch {
    return undefined;
  }
}

function isExpiringSoon(set: SimulatorCertificates): boolean {
  const limit = Date.now() + 7 * DAY_MS;
  return [set.ca, set.server, set.client, set.testClient].some(
    (pair) => new x509.X509Certificate(pair.certPem).notAfter.getTime() < limit,
  );
}
