import { queues } from './queues';

describe('queues', () => {
  it('should work', () => {
    expect(queues()).toEqual('queues');
  });
});
