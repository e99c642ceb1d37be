/** What global-setup hands to the specs (through process.env, inherited by the test process). */
export interface E2eEnv {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
}

export function e2eEnv(): E2eEnv {
  const baseUrl = process.env['E2E_BASE_URL'];
  const adminEmail = process.env['E2E_ADMIN_EMAIL'];
  const adminPassword = process.env['E2E_ADMIN_PASSWORD'];
  if (!baseUrl || !adminEmail || !adminPassword) {
    throw new Error('E2E environment missing: run the specs through jest.config.cts (global-setup starts the API).');
  }
  return { baseUrl, adminEmail, adminPassword };
}
