import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from './config';

/**
 * AES-256-GCM under versioned keys (`ENCRYPTION_KEYS`, newest last). New writes use the newest key; a value
 * written under an older key still opens, so keys rotate without a flag day. Format:
 * `<version>:<iv b64>:<tag b64>:<ciphertext b64>`.
 */
export class SecretBox {
  private readonly byVersion: Map<string, Buffer>;
  private readonly current: EncryptionKey;

  constructor(keys: EncryptionKey[]) {
    if (!keys.length) throw new Error('SecretBox needs at least one key');
    this.byVersion = new Map(keys.map((k) => [k.version, k.key]));
    this.current = keys[keys.length - 1];
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      this.current.version,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      data.toString('base64'),
    ].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(':');
    const key = this.byVersion.get(version);
    if (!key || !iv || !tag || data === undefined) throw new Error(`cannot open secret sealed under key '${version}'`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }

  /** The key version a value was sealed under (for the re-encryption job). */
  static versionOf(sealed: string): string {
    return sealed.slice(0, sealed.indexOf(':'));
  }
}
