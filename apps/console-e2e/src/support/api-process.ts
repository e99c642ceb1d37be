import type { ChildProcess } from 'node:child_process';

/**
 * Jest loads globalSetup and globalTeardown in the same process but not as the same module instance, so the
 * child process handles (API, workers) travel on globalThis.
 */
const holder = globalThis as typeof globalThis & { lspE2eApi?: ChildProcess; lspE2eWorkers?: ChildProcess };

export function setApiProcess(api: ChildProcess | undefined): void {
  holder.lspE2eApi = api;
}

export function getApiProcess(): ChildProcess | undefined {
  return holder.lspE2eApi;
}

export function setWorkersProcess(workers: ChildProcess | undefined): void {
  holder.lspE2eWorkers = workers;
}

export function getWorkersProcess(): ChildProcess | undefined {
  return holder.lspE2eWorkers;
}
