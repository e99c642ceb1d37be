#!/usr/bin/env node
// `npm test`: every project's tests (unit, integration against the real PostgreSQL and Redis, browser tests of the
// console), then one closing line with the totals across all Jest runs.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --skip-nx-cache: integration suites depend on PostgreSQL, Redis and Chromium, not only on their inputs, so a
// replayed result from the cache proves nothing. `npx nx test <project>` still uses the cache for quick loops.
const args = [
  'nx',
  'run-many',
  '-t',
  'test',
  '--parallel=2',
  '--skip-nx-cache',
  '--output-style=stream',
  ...process.argv.slice(2),
];
const child = spawn('npx', args, {
  cwd: root,
  env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', FORCE_COLOR: '0' },
  stdio: ['ignore', 'pipe', 'pipe'],
});

let passed = 0;
let failed = 0;
let skipped = 0;
let buffer = '';
function scan(chunk, out) {
  out.write(chunk);
  buffer += chunk.toString();
  const lines = buffer.split('\n');
  buffer = lines.pop() ?? '';
  for (const line of lines) {
    // Jest's summary: "Tests:       2 failed, 1 skipped, 35 passed, 38 total" (nx prefixes the project name).
    const m = /Tests:\s+(.*\d+ total)/.exec(line);
    if (!m) continue;
    passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
    skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0);
  }
}
child.stdout.on('data', (c) => scan(c, process.stdout));
child.stderr.on('data', (c) => scan(c, process.stderr));
child.on('exit', (code) => {
  const status = code === 0 && failed === 0 ? 0 : code || 1;
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(status);
});
