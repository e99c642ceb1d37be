import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, t=2): OWASP's baseline for interactive logins.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password: verifying against it costs the same as against a real user's hash, so a login for
 * an unknown email takes as long as one with a wrong password and reveals nothing by timing.
 */
export const DUMMY_PASSWORD_HASH = hash('lightspeedpay-timing-equaliser');
