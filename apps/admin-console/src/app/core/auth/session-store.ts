import { Injectable } from '@angular/core';
import { ROLES, type Role, type TokenPair } from '@lsp/contracts';

export type SessionUser = TokenPair['user'];

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds, from `expiresIn` at the time the pair was issued. */
  accessTokenExpiresAt: number;
  user: SessionUser;
}

const STORAGE_KEY = 'lsp.console.session';

/**
 * Keeps the token pair in sessionStorage: it survives a reload but not the tab, and is never shared with
 * other tabs (each tab has its own refresh-token family, so rotations cannot collide).
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  read(): StoredSession | null {
    try {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      if (!raw) {
        return null;
      }
      const parsed: unknown = JSON.parse(raw);
      return isStoredSession(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  write(session: StoredSession): void {
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    } catch {
      // Storage full or disabled: the session still lives in memory for this page.
    }
  }

  clear(): void {
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Nothing to clear.
    }
  }
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const session = value as Partial<StoredSession>;
  const user = session.user;
  return (
    typeof session.accessToken === 'string' &&
    typeof session.refreshToken === 'string' &&
    typeof session.accessTokenExpiresAt === 'number' &&
    typeof user === 'object' &&
    user !== null &&
    typeof user.id === 'string' &&
    typeof user.email === 'string' &&
    Array.isArray(user.roles) &&
    user.roles.every((role: unknown) => ROLES.includes(role as Role))
  );
}
