import type { ChildProcess } from 'node:child_process';

/**
 * Jest loads globalSetup and globalTeardown in the same process but not as the same module instance, so the
 * API's child process handle travels on globalThis.
 */
const holder = globalThis as typeof globalThis & { lspE2eApi?: ChildProcess };

export function setApiProcess(api: ChildProcess | undefined): void {
  holder.lspE2eApi = api;
}

export function getApiProcess(): ChildProcess | undefined {
  return holder.lspE2eApi;
}
