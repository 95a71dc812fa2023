// RepresentationRegistry adapter: an HTTP client for an e-Business Register service. Base URL and path are
// configuration; the API key comes from Secrets Manager on first use (infra/local/registry-server.ts answers locally).
import { z } from 'zod';
import { RateLimitedError } from '../../app/errors.ts';
import type { RepresentationRegistry } from '../../app/ports.ts';
import { InfrastructureError } from '../../errors.ts';

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

export interface RegistryConfig {
  /** e.g. `https://registry.example/api`; the path below is appended. */
  baseUrl: string;
  /** Path template with `{country}` and `{registryCode}`. */
  path: string;
  timeoutMs: number;
}

export class HttpRepresentationRegistry implements RepresentationRegistry {
  readonly #config: RegistryConfig;
  readonly #apiKey: () => Promise<string | undefined>;
  readonly #fetch: typeof fetch;

  constructor(
    config: RegistryConfig,
    apiKey: () => Promise<string | undefined>,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.#config = config;
    this.#apiKey = apiKey;
    this.#fetch = fetchImpl;
  }

  async representativesOf(company: { registryCode: string; country: string }) {
    const path = this.#config.path
      .replace('{country}', encodeURIComponent(company.country))
      .replace('{registryCode}', encodeURIComponent(company.registryCode));
    const apiKey = await this.#apiKey();
    let response: Response;
    try {
      response = await this.#fetch(`${this.#config.baseUrl.replace(/\/$/, '')}${path}`, {
        headers: {
          accept: 'application/json',
          ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
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
