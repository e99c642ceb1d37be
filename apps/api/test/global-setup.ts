import { setupTestEnvironment } from '@lsp/testing';

export default async function globalSetup(): Promise<void> {
  await setupTestEnvironment('api');
}
