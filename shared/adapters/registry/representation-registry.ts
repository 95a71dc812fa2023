// RepresentationRegistry adapters: an HTTP client for an e-Business Register service (base URL, path and
// API key are configuration) and a fixture-backed registry for the local system and tests.
import { z } from 'zod';
import { RateLimitedError } from '../../app/errors.ts';
import type { RepresentationRegistry } from '../../app/ports.ts';
import type { Representative } from '../../domain/connection.ts';
import { InfrastructureError } from '../../errors.ts';

export interface RegisteredCompany {
  registryCode: string;
  country: string;
  companyName: string;
  representatives: Representative[];
}

const registryAnswer = z.object({
  name: z.string().min(1),
  representatives: z.array(
    z.object({
      personalCode: z.string().min(1),
      name: z.string().min(1),
      representation: z.enum(['sole', 'joint']),
    }),
  ),
});

export const registryConfigSchema = z.object({
  /** e.g. `https://registry.example/api`; the path below is appended. */
  baseUrl: z.url(),
  /** Path template with `{country}` and `{registryCode}`. */
  path: z.string().default('/companies/{country}/{registryCode}/representatives'),
  apiKey: z.string().min(1).optional(),
  timeoutMs: z.coerce.number().int().positive().default(5000),
});
export type RegistryConfig = z.infer<typeof registryConfigSchema>;

export class HttpRepresentationRegistry implements RepresentationRegistry {
  readonly #config: RegistryConfig;
  readonly #fetch: typeof fetch;

  constructor(config: RegistryConfig, fetchImpl: typeof fetch = fetch) {
    this.#config = config;
    this.#fetch = fetchImpl;
  }

  async representativesOf(company: { registryCode: string; country: string }) {
    const path = this.#config.path
      .replace('{country}', encodeURIComponent(company.country))
      .replace('{registryCode}', encodeURIComponent(company.registryCode));
    let response: Response;
    try {
      response = await this.#fetch(`${this.#config.baseUrl.replace(/\/$/, '')}${path}`, {
        headers: {
          accept: 'application/json',
          ...(this.#config.apiKey ? { authorization: `Bearer ${this.#config.apiKey}` } : {}),
        },
        signal: AbortSignal.timeout(this.#config.timeoutMs),
      });
    } catch (error) {
      throw new InfrastructureError('The business register did not answer', { cause: error });
    }
    if (response.status === 404) return undefined;
    if (response.status === 429) {
      const retryAfter = Number(response.headers.get('retry-after') ?? '5');
      throw new RateLimitedError(
        'The business register is busy; try again shortly',
        Number.isFinite(retryAfter) ? retryAfter : 5,
      );
    }
    if (!response.ok) {
      throw new InfrastructureError(`The business register answered ${response.status}`, {
        retryable: response.status >= 500,
      });
    }
    const parsed = registryAnswer.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new InfrastructureError('The business register answered in an unexpected format', {
        cause: parsed.error,
        retryable: false,
      });
    }
    return { companyName: parsed.data.name, representatives: parsed.data.representatives };
  }
}

export class FixtureRepresentationRegistry implements RepresentationRegistry {
  readonly #companies: Map<string, RegisteredCompany>;

  constructor(companies: readonly RegisteredCompany[] = localRegistryFixtures) {
    this.#companies = new Map(
      companies.map((company) => [`${company.country}:${company.registryCode}`, company]),
    );
  }

  async representativesOf(company: { registryCode: string; country: string }) {
    const found = this.#companies.get(`${company.country.toUpperCase()}:${company.registryCode}`);
    return found ? { companyName: found.companyName, representatives: found.representatives } : undefined;
  }
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
