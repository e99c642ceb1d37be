import { renderSandboxCheckoutPage } from './sandbox-checkout-page';

describe('renderSandboxCheckoutPage', () => {
  it.each([
    [10000, 1, 'will be captured'],
    [10051, 1, 'declined (card_declined)'],
    [10052, 1, 'refused before acceptance'],
    [10052, 2, 'will be captured'],
    [10053, 1, 'stays pending'],
    [10054, 1, 'insufficient_funds'],
    [10055, 1, 'Every attempt'],
    [10056, 1, 'answer was lost'],
  ])('says what amount %i (attempt %i) will do', (amount, attemptNumber, text) => {
    const html = renderSandboxCheckoutPage('sbx_att_1', { amount, currency: 'INR', attemptNumber });
    expect(html).toContain(text);
  });

  it('formats the amount in the currency minor unit', () => {
    expect(renderSandboxCheckoutPage('sbx_att_1', { amount: 12345, currency: 'INR' })).toContain('₹123.45');
    expect(renderSandboxCheckoutPage('sbx_att_1', { amount: 500, currency: 'JPY' })).toContain('500');
    expect(renderSandboxCheckoutPage('sbx_att_1', { amount: 1234, currency: 'KWD' })).toContain('1.234');
  });

  it('is a complete page with no script and no inline style (CSP)', () => {
    const html = renderSandboxCheckoutPage('sbx_att_1', { amount: 100, currency: 'INR', returnUrl: 'https://a.b/r' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('links back to an http(s) return URL only', () => {
    expect(renderSandboxCheckoutPage('sbx_att_1', { returnUrl: 'https://shop.example/return?o=42&x=1' })).toContain(
      '<a href="https://shop.example/return?o=42&#38;x=1"',
    );
    for (const returnUrl of ['javascript:alert(1)', 'data:text/html,hi', 'not a url', null, undefined]) {
      expect(renderSandboxCheckoutPage('sbx_att_1', { returnUrl })).not.toContain('<a ');
    }
  });

  it('escapes everything it interpolates', () => {
    const html = renderSandboxCheckoutPage('sbx_<img src=x>', { description: '<b>"Order" & co</b>' });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#60;b&#62;&#34;Order&#34; &#38; co&#60;/b&#62;');
    expect(html).toContain('not a sandbox payment reference');
  });
});
