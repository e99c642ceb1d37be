import type { ApiKeyView } from '@lsp/contracts';
import { graceNote } from './grace-note';

const key = (overrides: Partial<ApiKeyView>): ApiKeyView => ({
  id: 'key_1',
  object: 'api_key',
  merchantId: 'mer_1',
  mode: 'test',
  masked: 'lsp_test_••••3f9a',
  status: 'active',
  lastUsedAt: null,
  expiresAt: null,
  createdAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

describe('graceNote', () => {
  it('names each replaced key and the instant (UTC) it stops working', () => {
    const note = graceNote([key({ expiresAt: '2026-11-27T10:30:00.000Z' })], 'en-GB');
    expect(note).toContain('lsp_test_••••3f9a until 27 Nov 2026, 10:30 UTC');
    expect(note).toContain('grace period');
  });

  it('says nothing else changes when no key was replaced', () => {
    expect(graceNote([])).toMatch(/nothing else changes/);
    expect(graceNote([key({ expiresAt: null })])).toMatch(/nothing else changes/);
  });
});
