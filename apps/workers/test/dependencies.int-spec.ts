import { createLogger } from '@lsp/platform';
import { waitForDependencies } from '../src/core/dependencies';
import { StartupError } from '../src/core/startup-error';
import { testConfig } from './helpers';

describe('dependency check at start', () => {
  const config = testConfig('deps');
  const logger = createLogger('deps-test', 'silent');

  it('passes when PostgreSQL (as lsp_app) and Redis answer', async () => {
    await expect(waitForDependencies(config, logger, 2000)).resolves.toBeUndefined();
  });

  it('gives up on an unreachable PostgreSQL within the bound, naming it', async () => {
    const started = Date.now();
    const url = new URL(config.appDatabaseUrl);
    url.port = '1';
    await expect(waitForDependencies({ ...config, appDatabaseUrl: url.toString() }, logger, 1500)).rejects.toThrow(
      new StartupError(
        `PostgreSQL is unreachable at postgres://lsp_app@127.0.0.1:1${url.pathname} after 2 s: connect ECONNREFUSED 127.0.0.1:1`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up on an unreachable Redis within the bound, naming it', async () => {
    await expect(waitForDependencies({ ...config, redisUrl: 'redis://127.0.0.1:1' }, logger, 1500)).rejects.toThrow(
      /^Redis is unreachable at redis:\/\/127\.0\.0\.1:1 after 2 s: connect ECONNREFUSED/,
    );
  });

  it('fails at once when waiting cannot help', async () => {
    const url = new URL(config.appDatabaseUrl);
    url.pathname = '/no_such_database';
    await expect(waitForDependencies({ ...config, appDatabaseUrl: url.toString() }, logger, 10_000)).rejects.toThrow(
      /PostgreSQL refused .* database "no_such_database" does not exist/,
    );
  });
});
