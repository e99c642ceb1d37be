import { ApiError } from '../../core/errors/api-error';
import { draftOf, endpointPatch, fieldErrorOf, toggleEvent } from './endpoint-form-logic';

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

  describe('editing an endpoint', () => {
    const endpoint = {
      url: 'https://shop.example.com/hooks',
      description: null,
      // Stored in whatever order the API keeps them.
      events: ['refund.succeeded', 'payment.captured'],
    };
    const original = draftOf(endpoint);

    it('prefills the URL, an empty description for none, and the events in the API.md order', () => {
      expect(original).toEqual({
        url: 'https://shop.example.com/hooks',
        description: '',
        events: ['payment.captured', 'refund.succeeded'],
      });
      expect(draftOf({ ...endpoint, description: 'Orders' }).description).toBe('Orders');
    });

    it('sends only the fields that changed', () => {
      expect(endpointPatch(original, { ...original, events: ['payment.captured', 'payment.failed'] })).toEqual({
        events: ['payment.captured', 'payment.failed'],
      });
      expect(endpointPatch(original, { ...original, url: ' https://shop.example.com/v2 ' })).toEqual({
        url: 'https://shop.example.com/v2',
      });
      expect(
        endpointPatch(original, { url: 'https://b.example.com', description: 'B', events: ['refund.failed'] }),
      ).toEqual({ url: 'https://b.example.com', description: 'B', events: ['refund.failed'] });
    });

    it('sends an emptied description, so it can be cleared', () => {
      const described = draftOf({ ...endpoint, description: 'Orders' });
      expect(endpointPatch(described, { ...described, description: '  ' })).toEqual({ description: '' });
    });

    it('is null when nothing changed: same values, surrounding spaces, or the same events in another order', () => {
      expect(endpointPatch(original, original)).toBeNull();
      expect(endpointPatch(original, { ...original, url: ` ${original.url} `, description: ' ' })).toBeNull();
      expect(endpointPatch(original, { ...original, events: ['refund.succeeded', 'payment.captured'] })).toBeNull();
    });
  });
});
