import { MicroBatcher } from './micro-batcher';

interface Call {
  items: number[];
  finish: (err?: Error) => void;
}

/** A batcher whose runs finish when the test says, doubling each item. */
function controlled(maxBatch = 10): { batcher: MicroBatcher<number, number>; calls: Call[] } {
  const calls: Call[] = [];
  const batcher = new MicroBatcher<number, number>(
    (items) =>
      new Promise((resolve, reject) => {
        calls.push({ items, finish: (err) => (err ? reject(err) : resolve(items.map((i) => i * 2))) });
      }),
    maxBatch,
  );
  return { batcher, calls };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('MicroBatcher', () => {
  it('sends the first item at once and the items that arrive meanwhile together in the next call', async () => {
    const { batcher, calls } = controlled();
    const first = batcher.submit(1);
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1]]);

    const rest = [2, 3, 4].map((i) => batcher.submit(i));
    await settle();
    expect(calls).toHaveLength(1);

    calls[0].finish();
    await expect(first).resolves.toBe(2);
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1].finish();
    await expect(Promise.all(rest)).resolves.toEqual([4, 6, 8]);
  });

  it('splits a long queue into calls of at most maxBatch items', async () => {
    const { batcher, calls } = controlled(2);
    const results = [1, 2, 3, 4, 5].map((i) => batcher.submit(i));
    for (let i = 0; i < 3; i++) {
      await settle();
      calls[i].finish();
    }
    await expect(Promise.all(results)).resolves.toEqual([2, 4, 6, 8, 10]);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('runs the items of a failed call again one by one, so only the item that fails alone fails', async () => {
    const { batcher, calls } = controlled();
    const first = batcher.submit(1);
    const second = [batcher.submit(2), batcher.submit(3)];
    await settle();
    calls[0].finish();
    await settle();
    calls[1].finish(new Error('violates check constraint'));
    await settle();
    expect(calls.slice(2).map((c) => c.items)).toEqual([[2]]);
    calls[2].finish(new Error('violates check constraint'));
    await settle();
    calls[3].finish();
    await expect(first).resolves.toBe(2);
    await expect(second[0]).rejects.toThrow('violates check constraint');
    await expect(second[1]).resolves.toBe(6);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3], [2], [3]]);

    const later = batcher.submit(4);
    await settle();
    calls[4].finish();
    await expect(later).resolves.toBe(8);
  });

  it('rejects an item that fails alone with its error', async () => {
    const batcher = new MicroBatcher<number, number>(async () => Promise.reject(new Error('redis gone')), 10);
    await expect(batcher.submit(1)).rejects.toThrow('redis gone');
  });

  it('refuses results that do not match the items one for one', async () => {
    const batcher = new MicroBatcher<number, number>(async (items) => items.slice(1), 10);
    await expect(batcher.submit(1)).rejects.toThrow('a batch of 1 items returned 0 results');
  });
});
