import { randomBytes, randomUUID } from 'node:crypto';
import type {
  CreateMerchantRequest,
  CreateMerchantResponse,
  CreatePaymentRequest,
  CreateUserRequest,
  PaymentView,
  TokenPair,
  UserView,
} from '@lsp/contracts';
import { e2eEnv } from './env';

/** Direct API calls for test arrangement (the browser is for what is under test). */

async function call<T>(
  method: string,
  path: string,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${e2eEnv().baseUrl}/api/v1${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function adminToken(): Promise<string> {
  const { adminEmail, adminPassword } = e2eEnv();
  const pair = await call<TokenPair>('POST', '/auth/login', {
    email: adminEmail,
    password: adminPassword,
  });
  return pair.accessToken;
}

export function createMerchant(token: string, request: CreateMerchantRequest): Promise<CreateMerchantResponse> {
  return call<CreateMerchantResponse>('POST', '/admin/merchants', request, token);
}

export function createUser(token: string, request: CreateUserRequest): Promise<UserView> {
  return call<UserView>('POST', '/admin/users', request, token);
}

/** A payment as the merchant's server creates it, with its API key secret and a fresh Idempotency-Key. */
export function createPayment(apiKeySecret: string, request: CreatePaymentRequest): Promise<PaymentView> {
  return call<PaymentView>('POST', '/payments', request, apiKeySecret, { 'Idempotency-Key': randomUUID() });
}

export function getPayment(apiKeySecret: string, id: string): Promise<PaymentView> {
  return call<PaymentView>('GET', `/payments/${id}`, undefined, apiKeySecret);
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function strongPassword(): string {
  return `Pw-${randomBytes(15).toString('base64url')}`;
}

/** Any authenticated GET, for checking what the server says against what the page shows. */
export function apiGet<T>(path: string, token: string): Promise<T> {
  return call<T>('GET', path, undefined, token);
}
