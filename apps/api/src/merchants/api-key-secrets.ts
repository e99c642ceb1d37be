import { createHash, randomBytes } from 'node:crypto';

export type KeyMode = 'test' | 'live';

const SECRET_RE = /^lsp_(test|live)_[A-Za-z0-9_-]{32}$/;

/** 192 random bits: high enough entropy that a fast hash (SHA-256) is the right way to store it. */
export function generateApiKeySecret(mode: KeyMode): string {
  return `lsp_${mode}_${randomBytes(24).toString('base64url')}`;
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith('lsp_test_') || token.startsWith('lsp_live_');
}

export function isWellFormedApiKey(token: string): boolean {
  return SECRET_RE.test(token);
}

export function maskApiKey(mode: KeyMode, last4: string): string {
  return `lsp_${mode}_••••${last4}`;
}
