import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority } from 'node:os';
import { lowerProcessPriority } from './process-priority';

describe('lowerProcessPriority', () => {
  let child: ChildProcess;

  // A child of its own: niceness cannot be raised back, so the test never lowers the test runner's priority.
  beforeEach(async () => {
    child = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 30000)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
  });
  afterEach(() => {
    child.kill('SIGKILL');
  });

  it('lowers the priority of a process running at a higher one', () => {
    const from = getPriority(child.pid);
    expect(lowerProcessPriority(from + 7, child.pid)).toEqual({ changed: true, from, nice: from + 7 });
    expect(getPriority(child.pid)).toBe(from + 7);
  });

  it('keeps a priority already as low or lower, so WORKER_NICE=0 changes nothing', () => {
    const from = getPriority(child.pid);
    expect(lowerProcessPriority(from, child.pid)).toEqual({ changed: false, nice: from });
    lowerProcessPriority(from + 5, child.pid);
    expect(lowerProcessPriority(from + 2, child.pid)).toEqual({ changed: false, nice: from + 5 });
    expect(getPriority(child.pid)).toBe(from + 5);
  });

  it('reports a process it cannot change instead of throwing', async () => {
    const gone = child.pid as number;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(lowerProcessPriority(10, gone)).toEqual({ changed: false, error: expect.stringContaining('ESRCH') });
  });
});
