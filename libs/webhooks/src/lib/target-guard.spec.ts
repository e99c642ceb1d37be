import { isPublicAddress, resolvedAddressProblem, urlProblem } from './target-guard';

const strict = { allowPrivate: false, requireHttps: true };

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['172.32.0.1', true],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.1', false],
    ['8.8.8.8', true],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['not-an-ip', false],
  ])('%s → %s', (ip, expected) => expect(isPublicAddress(ip)).toBe(expected));
});

describe('urlProblem', () => {
  it.each([
    ['not a url', 'url_invalid'],
    ['ftp://example.com/x', 'url_invalid'],
    ['http://example.com/hook', 'url_insecure'],
    ['https://user:pw@example.com/hook', 'url_invalid'],
    ['https://127.0.0.1/hook', 'url_private'],
    ['https://[::1]/hook', 'url_private'],
    ['https://169.254.169.254/latest/meta-data', 'url_private'],
    ['https://10.0.0.5/hook', 'url_private'],
    ['https://localhost/hook', 'url_private'],
    ['https://metadata.google.internal/x', 'url_private'],
  ])('%s → %s', (url, code) => expect(urlProblem(url, strict)?.code).toBe(code));

  it('accepts a public https URL, and http to loopback when private targets are allowed', () => {
    expect(urlProblem('https://shop.example.com/webhooks', strict)).toBeNull();
    expect(urlProblem('http://127.0.0.1:8080/hook', { allowPrivate: true, requireHttps: false })).toBeNull();
  });

  it('judges resolved addresses', () => {
    expect(resolvedAddressProblem(['8.8.8.8', '10.0.0.1'], strict)?.code).toBe('url_private');
    expect(resolvedAddressProblem(['8.8.8.8'], strict)).toBeNull();
  });
});
