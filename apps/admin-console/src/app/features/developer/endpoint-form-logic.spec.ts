import { ApiError } from '../../core/errors/api-error';
import { fieldErrorOf, toggleEvent } from './endpoint-form-logic';

const invalid = (param: string | null, message = 'url must use https') =>
  new ApiError(400, 'invalid_request_error', 'invalid_request', message, 'req_1', param);

describe('endpoint form logic', () => {
  it('toggles an event type in and out, in the API.md order', () => {
    expect(toggleEvent(['refund.failed'], 'payment.created')).toEqual(['payment.created', 'refund.failed']);
    expect(toggleEvent(['payment.created', 'refund.failed'], 'payment.created')).toEqual(['refund.failed']);
  });

  it('never keeps a type that is not an API.md event', () => {
    expect(toggleEvent([], 'payment.exploded')).toEqual([]);
  });

  it('shows the API message on the field it names, elements included', () => {
    expect(fieldErrorOf(invalid('url'), 'url')).toBe('url must use https');
    expect(fieldErrorOf(invalid('events[1]', 'bad type'), 'events')).toBe('bad type');
    expect(fieldErrorOf(invalid('url'), 'events')).toBeNull();
    expect(fieldErrorOf(invalid('urlx'), 'url')).toBeNull();
    expect(fieldErrorOf(invalid(null), 'url')).toBeNull();
    expect(fieldErrorOf(null, 'url')).toBeNull();
  });
});
