import type { Role, TokenPair } from '@lsp/contracts';

/** Test helpers: what the API would return, and a session as AuthService stores it. */

export function tokenPair(accessToken: string, refreshToken: string, roles: Role[] = ['admin']): TokenPair {
  return {
    accessToken,
    refreshToken,
    expiresIn: 900,
    user: { id: 'usr_test', email: `${roles.join('-')}@example.test`, roles },
  };
}

/** Must run before AuthService is first injected: it reads sessionStorage once, at construction. */
export function storeSession(roles: Role[], accessToken = 'access-1', refreshToken = 'refresh-1'): void {
  const pair = tokenPair(accessToken, refreshToken, roles);
  sessionStorage.setItem(
    'lsp.console.session',
    JSON.stringify({
      accessToken,
      refreshToken,
      accessTokenExpiresAt: Date.now() + 900_000,
      user: pair.user,
    }),
  );
}

export function apiErrorBody(type: string, code: string, message: string, requestId = 'req_test') {
  return { error: { type, code, message, requestId } };
}
