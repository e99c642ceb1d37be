import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PhonePeSimulator } from './phonepe-simulator';
import { RazorpaySimulator } from './razorpay-simulator';

/** A port free right now: what `scripts/simulators.mjs --razorpay-port N` would be given. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe.each([
  ['RazorpaySimulator', () => new RazorpaySimulator()],
  ['PhonePeSimulator', () => new PhonePeSimulator()],
])('%s.start({ port, host })', (_name, make) => {
  it('listens on the port it is given and reports it in the base URL', async () => {
    const port = await freePort();
    const simulator = make();
    try {
      expect(await simulator.start({ port, host: '0.0.0.0' })).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(`${simulator.baseUrl}/nowhere`)).status).toBeGreaterThanOrEqual(400);
      expect(simulator.connectionsOpened).toBe(1);
    } finally {
      await simulator.stop();
    }
  });

  it('rejects when the port is taken instead of listening elsewhere', async () => {
    const [first, second] = [make(), make()];
    const url = await first.start();
    try {
      await expect(second.start({ port: Number(new URL(url).port) })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
