import { teardownTestEnvironment } from '@lsp/testing';

export default async function globalTeardown(): Promise<void> {
  await teardownTestEnvironment();
}
