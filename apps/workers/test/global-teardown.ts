// Must stay the first import: it makes the `@lsp/*` imports below resolvable in Jest's global hooks.
import './register-paths';
import { teardownTestEnvironment } from '@lsp/testing';

export default async function globalTeardown(): Promise<void> {
  await teardownTestEnvironment();
}
