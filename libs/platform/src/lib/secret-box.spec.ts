import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

const key = (version: string) => ({ version, key: randomBytes(32) });

describe('SecretBox', () => {
  it('round-trips and never repeats a ciphertext', () => {
    const box = new SecretBox([key('v1')]);
    const a = box.seal('{"keySecret":"s3cr3t"}');
    expect(a).not.toContain('s3cr3t');
    expect(box.seal('{"keySecret":"s3cr3t"}')).not.toBe(a);
    expect(box.open(a)).toBe('{"keySecret":"s3cr3t"}');
  });

  it('seals with the newest key and still opens values sealed under older ones', () => {
    const v1 = key('v1');
    const old = new SecretBox([v1]).seal('hello');
    const rotated = new SecretBox([v1, key('v2')]);
    expect(SecretBox.versionOf(rotated.seal('x'))).toBe('v2');
    expect(rotated.open(old)).toBe('hello');
  });

  it('refuses tampered ciphertext and unknown key versions', () => {
    const box = new SecretBox([key('v1')]);
    const sealed = box.seal('hello');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('jello').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => new SecretBox([key('v1')]).open(sealed)).toThrow();
    expect(() => box.open(sealed.replace(/^v1/, 'v9'))).toThrow(/v9/);
  });
});
