import { describe, expect, it } from 'vitest';
import { authSection, parseSection, runtimeSection } from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/errors.ts';

describe('configuration', () => {
  it('applies defaults and keeps only the variables it knows', () => {
    const config = parseSection(runtimeSection, { TABLE_NAME: 'connector', UNRELATED: 'x' });
    expect(config).toEqual({
      stage: 'local',
      region: 'eu-north-1',
      tableName: 'connector',
      logLevel: 'INFO',
    });
  });

  it('names the environment variable that is missing or wrong', () => {
    expect(() => parseSection(runtimeSection, { DYNAMODB_ENDPOINT: 'not a url' })).toThrow(ConfigError);
    expect(() => parseSection(runtimeSection, { DYNAMODB_ENDPOINT: 'not a url' })).toThrow(
      /TABLE_NAME: .*; DYNAMODB_ENDPOINT: /,
    );
  });

  it('parses the public keys of the token issuer from JSON and refuses anything else', () => {
    const env = { JWT_ISSUER: 'https://issuer', JWT_AUDIENCE: 'aud', JWT_PUBLIC_KEYS: '{"k1":"PEM"}' };
    expect(parseSection(authSection, env).publicKeys).toEqual({ k1: 'PEM' });
    expect(() => parseSection(authSection, { ...env, JWT_PUBLIC_KEYS: '{oops' })).toThrow(
      /JWT_PUBLIC_KEYS: must be JSON/,
    );
  });
});
