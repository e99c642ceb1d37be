import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import type { CreateMerchantResponse, TokenPair } from '@lsp/contracts';
import { type AppConfig, createLogger, loadConfig } from '@lsp/platform';
import { TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, freePort } from '@lsp/testing';
import { createApiApp } from '../src/bootstrap';

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One API process booted in-process and listening on a random port, called over real HTTP. */
export class ApiHarness {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly config: AppConfig,
  ) {}

  /** `logDestination` receives the process's log lines (tests that inspect what is logged). */
  static async start(
    env: Record<string, string> = {},
    options: { logDestination?: DestinationStream } = {},
  ): Promise<ApiHarness> {
    // The port is chosen before boot so gateway callbacks (PUBLIC_BASE_URL) reach this very process.
    const port = await freePort();
    const config = loadConfig({
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...process.env,
      ...env,
      PORT: String(port),
    });
    const app = await createApiApp(config, createLogger('api-test', config.logLevel, options.logDestination));
    await app.listen({ port, host: '127.0.0.1' });
    return new ApiHarness(app, `http://127.0.0.1:${port}`, config);
  }

  async close(): Promise<void> {
    await this.app.close();
  }

  async request<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) {
      payload = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (metrics, html): keep the text
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }

  async login(email = TEST_ADMIN_EMAIL, password = TEST_ADMIN_PASSWORD): Promise<TokenPair> {
    const res = await this.request<TokenPair>('POST', '/api/v1/auth/login', { body: { email, password } });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async createMerchant(adminToken: string, overrides: Record<string, unknown> = {}): Promise<CreateMerchantResponse> {
    const res = await this.request<CreateMerchantResponse>('POST', '/api/v1/admin/merchants', {
      token: adminToken,
      body: { name: 'Acme Retail', email: `ops+${Math.random().toString(36).slice(2)}@acme.in`, ...overrides },
    });
    if (res.status !== 201) throw new Error(`create merchant failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async createUser(
    adminToken: string,
    roles: string[],
    merchantId?: string,
  ): Promise<{ email: string; password: string; id: string }> {
    const email = `${roles[0]}-${Math.random().toString(36).slice(2)}@test.local`;
    const password = 'correct-horse-battery-1';
    const res = await this.request('POST', '/api/v1/admin/users', {
      token: adminToken,
      body: { email, password, roles, merchantId },
    });
    if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { email, password, id: (res.body as { id: string }).id };
  }
}

export function expectError(res: TestResponse, status: number, type: string, param?: string): void {
  expect(res.status).toBe(status);
  expect(res.body.error.type).toBe(type);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
  if (param !== undefined) expect(res.body.error.param).toBe(param);
}
