import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a simulator listens: tests take a free loopback port, `scripts/simulators.mjs` fixed ones. */
export interface SimulatorListenOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** The base URL a client on this machine uses: a wildcard bind is reached through loopback. */
export function simulatorBaseUrl(server: Server, host: string | undefined): string {
  const { port } = server.address() as AddressInfo;
  const reachable = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
