import { describe, expect, it } from 'vitest';
import { parseBankGatewayConfig } from '#shared/bank/config.ts';

describe('bank gateway configuration', () => {
  it('fills every assumption with the documented default', () => {
    const config = parseBankGatewayConfig({ baseUrl: 'https://cpgw.cooppank.ee/' });
    expect(config.headers).toMatchObject({ endUserCode: 'Client-Code', endUserCountry: 'Client-Country' });
    expect(config.paths.payment).toBe('/payment');
    expect(config.messageVersions.pain001).toBe('pain.001.001.03');
    expect(config.mode).toBe('operator');
  });

  it('refuses plain HTTP and unknown message versions', () => {
    expect(() => parseBankGatewayConfig({ baseUrl: 'http://cpgw.cooppank.ee/' })).toThrow();
    expect(() =>
      parseBankGatewayConfig({
        baseUrl: 'https://x.test/',
        messageVersions: { pain001: 'pain.001.001.02' as never },
      }),
    ).toThrow();
  });

  it('merges partial overrides with defaults', () => {
    const config = parseBankGatewayConfig({ baseUrl: 'https://x.test/', headers: { endUserCode: 'X-Code' } });
    expect(config.headers).toMatchObject({ endUserCode: 'X-Code', endUserCountry: 'Client-Country' });
  });
});
