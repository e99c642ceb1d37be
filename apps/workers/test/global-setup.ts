import { setupTestEnvironment } from '@lsp/testing';

/** One fresh PostgreSQL database (migrated) and Redis prefix for this run; see libs/testing. */
export default async function globalSetup(): Promise<void> {
  await setupTestEnvironment('workers');
}
