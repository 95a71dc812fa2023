// REST API Lambda authorizer: verifies the Envoice JWT and passes the caller (company, user) to handlers.
// It loads only the JWT verifier and its config section (no AWS SDK), so its cold start stays short.
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { authorizerContext, createTokenVerifier, type VerifiedCaller } from '#shared/auth/jwt.ts';
import { loadAuthConfig } from '#shared/config.ts';

export function makeHandler(verify: (token: string) => VerifiedCaller) {
  return async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    const token = event.authorizationToken.replace(/^Bearer\s+/i, '');
    let caller: VerifiedCaller;
    try {
      caller = verify(token);
    } catch {
      // API Gateway answers 401 for exactly this message.
      throw new Error('Unauthorized');
    }
    const apiArn = event.methodArn.split('/').slice(0, 2).join('/');
    return {
      principalId: `${caller.companyId}/${caller.userId}`,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${apiArn}/*` }],
      },
      context: authorizerContext(caller),
    };
  };
}

// Built at init: a missing or malformed JWT_* variable (or public key) fails the cold start, naming it.
export const handler = makeHandler(createTokenVerifier(loadAuthConfig()));
