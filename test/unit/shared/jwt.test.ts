import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../../shared/auth/jwt.ts';
import { createLocalIssuer } from '../../../shared/auth/local-issuer.ts';

const now = new Date('2026-11-29T10:00:00Z');

function setup() {
  const issuer = createLocalIssuer({ now: () => now });
  const verify = createTokenVerifier({
    issuer: issuer.issuer,
    audience: issuer.audience,
    publicKeys: { [issuer.keyId]: issuer.publicKeyPem },
    now: () => now,
  });
  return { issuer, verify };
}

describe('Envoice token verification', () => {
  it('accepts a token from the configured issuer and returns the company from its claims', () => {
    const { issuer, verify } = setup();
    const token = issuer.issue({
      userId: 'u1',
      companyId: 'c1',
      personalCode: '38001010000',
      roles: ['admin'],
    });
    expect(verify(token)).toEqual({
      userId: 'u1',
      companyId: 'c1',
      personalCode: '38001010000',
      roles: ['admin'],
    });
  });

  it('rejects expired tokens, foreign signatures, tampered payloads and wrong audiences', () => {
    const { issuer, verify } = setup();
    const expired = issuer.issue({ userId: 'u1', companyId: 'c1' }, -120);
    expect(() => verify(expired)).toThrow(/expired/);

    const other = createLocalIssuer({ now: () => now });
    expect(() => verify(other.issue({ userId: 'u1', companyId: 'c1' }))).toThrow(/bad signature/);

    const [header, , signature] = issuer.issue({ userId: 'u1', companyId: 'c1' }).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        iss: issuer.issuer,
        aud: issuer.audience,
        exp: 9e9,
        sub: 'u1',
        company_id: 'c2',
        roles: [],
      }),
    ).toString('base64url');
    expect(() => verify(`${header}.${forged}.${signature}`)).toThrow(/bad signature/);

    const wrongAudience = createLocalIssuer({ now: () => now, audience: 'someone-else' });
    const verifyOther = createTokenVerifier({
      issuer: wrongAudience.issuer,
      audience: 'coop-pank-connector',
      publicKeys: { [wrongAudience.keyId]: wrongAudience.publicKeyPem },
      now: () => now,
    });
    expect(() => verifyOther(wrongAudience.issue({ userId: 'u', companyId: 'c' }))).toThrow(/wrong audience/);
    expect(() => verify('not-a-token')).toThrow(/not a signed JWT/);
  });
});
