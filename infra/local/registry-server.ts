// The local e-Business Register: an HTTP server that answers the register adapter's request
// (`GET /companies/{country}/{registryCode}/representatives`, bearer API key) from fixture companies, so the
// production HttpRepresentationRegistry runs locally with its API key read from (local) Secrets Manager.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Representative } from '../../shared/domain/connection.ts';

export interface RegisteredCompany {
  registryCode: string;
  country: string;
  companyName: string;
  representatives: Representative[];
}

export interface LocalRegistry {
  /** Base URL for REGISTRY_BASE_URL, e.g. `http://127.0.0.1:4567`. */
  baseUrl: string;
  /** Requests answered (tests check that the API really asked). */
  requests(): number;
  close(): Promise<void>;
}

/** Starts the register on a free loopback port; requests without `Bearer <apiKey>` are refused with 401. */
export async function startLocalRegistry(options: {
  apiKey: string;
  companies?: readonly RegisteredCompany[];
}): Promise<LocalRegistry> {
  const companies = new Map(
    (options.companies ?? localRegistryFixtures).map((company) => [
      `${company.country.toUpperCase()}:${company.registryCode}`,
      company,
    ]),
  );
  let answered = 0;
  const server: Server = createServer((request, response) => {
    answered += 1;
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      send(401, { error: 'missing or wrong API key' });
      return;
    }
    const match = /^\/companies\/([^/]+)\/([^/]+)\/representatives$/.exec(
      new URL(request.url ?? '/', 'http://registry').pathname,
    );
    if (request.method !== 'GET' || !match) {
      send(404, { error: 'not found' });
      return;
    }
    const company = companies.get(
      `${decodeURIComponent(match[1] ?? '').toUpperCase()}:${decodeURIComponent(match[2] ?? '')}`,
    );
    if (!company) {
      send(404, { error: 'company not registered' });
      return;
    }
    send(200, { name: company.companyName, representatives: company.representatives });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The local register: companies the demo and tests use. 10000001 has a sole board member; 10000002 needs two
 * board members together; 10000003 is registered but has no Gateway agreement at the local bank. 12345678,
 * 87654321 and 11223344 are the bank simulator's demo customers (infra/local/bank-simulator/seed.ts).
 */
export const localRegistryFixtures: readonly RegisteredCompany[] = [
  {
    registryCode: '10000001',
    country: 'EE',
    companyName: 'Demo Sole OÜ',
    representatives: [{ personalCode: '38001010001', name: 'Mari Maasikas', representation: 'sole' }],
  },
  {
    registryCode: '10000002',
    country: 'EE',
    companyName: 'Demo Joint AS',
    representatives: [
      { personalCode: '38001010002', name: 'Jaan Tamm', representation: 'joint' },
      { personalCode: '48001010003', name: 'Kati Kask', representation: 'joint' },
    ],
  },
  {
    registryCode: '10000003',
    country: 'EE',
    companyName: 'No Agreement OÜ',
    representatives: [{ personalCode: '38001010004', name: 'Peeter Paju', representation: 'sole' }],
  },
  {
    registryCode: '12345678',
    country: 'EE',
    companyName: 'Envoice Demo OÜ',
    representatives: [{ personalCode: '38001010001', name: 'Mari Maasikas', representation: 'sole' }],
  },
  {
    registryCode: '87654321',
    country: 'EE',
    companyName: 'Põhjala Puit AS',
    representatives: [{ personalCode: '38001010005', name: 'Toomas Tamm', representation: 'sole' }],
  },
  {
    registryCode: '11223344',
    country: 'EE',
    companyName: 'Väike Pood OÜ',
    representatives: [{ personalCode: '48001010006', name: 'Liis Lepp', representation: 'sole' }],
  },
];
