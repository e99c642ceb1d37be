import { gateways } from './gateways';

describe('gateways', () => {
  it('should work', () => {
    expect(gateways()).toEqual('gateways');
  });
});
