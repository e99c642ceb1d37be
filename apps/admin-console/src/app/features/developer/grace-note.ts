import type { ApiKeyView } from '@lsp/contracts';

/**
 * What happens to the keys a regeneration replaced, in words: they keep working until their `expiresAt`
 * (the grace period), so the merchant knows how long it has to deploy the new key.
 */
export function graceNote(replaced: readonly ApiKeyView[], locale?: string): string {
  const expiring = replaced.filter((key) => key.expiresAt !== null);
  if (expiring.length === 0) {
    return 'No previous key of this mode was active, so nothing else changes.';
  }
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const parts = expiring.map((key) => `${key.masked} until ${format.format(new Date(key.expiresAt as string))} UTC`);
  return `The previous key keeps working during its grace period — ${parts.join(', ')} — then every call with it is refused. Deploy the new key before then.`;
}
