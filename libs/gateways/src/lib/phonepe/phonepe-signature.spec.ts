import {
  phonePeCallbackXVerify,
  phonePeChecksumEquals,
  phonePeWebhookAuthorization,
  phonePeXVerify,
} from './phonepe-signature';

// The published sample (GATEWAY_APIS.md §2.1, [P2]).
const SALT = '099eb0cd-02cf-4e2a-8aca-3e6c6aff0399';
const PAY_PAYLOAD =
  'ewogICJtZXJjaGFudElkIjogIlBHVEVTVFBBWVVBVCIsCiAgIm1lcmNoYW50VHJhbnNhY3Rpb25JZCI6ICJNVDc4NTA1OTAwNjgxODgxMDQiLAogICJtZXJjaGFudFVzZXJJZCI6ICJNVUlEMTIzIiwKICAiYW1vdW50IjogMTAwMDAsCiAgInJlZGlyZWN0VXJsIjogImh0dHBzOi8vd2ViaG9vay5zaXRlL3JlZGlyZWN0LXVybCIsCiAgInJlZGlyZWN0TW9kZSI6ICJSRURJUkVDVCIsCiAgImNhbGxiYWNrVXJsIjogImh0dHBzOi8vd2ViaG9vay5zaXRlL2NhbGxiYWNrLXVybCIsCiAgIm1vYmlsZU51bWJlciI6ICI5OTk5OTk5OTk5IiwKICAicGF5bWVudEluc3RydW1lbnQiOiB7CiAgICAidHlwZSI6ICJQQVlfUEFHRSIKICB9Cn0=';

describe('PhonePe checksums', () => {
  it('v2 webhook Authorization matches the published vector for username/password', () => {
    expect(phonePeWebhookAuthorization('username', 'password')).toBe(
      'bc842c31a9e54efe320d30d948be61291f3ceee4766e36ab25fa65243cd76e0e',
    );
  });

  it('v1 status X-VERIFY matches the derived vector', () => {
    expect(phonePeXVerify('', '/pg/v1/status/PGTESTPAYUAT/MT7850590068188104', SALT, '1')).toBe(
      '95c6d60f014b7190aa417083aca2489bb5b0a729d0421c17dea19f5913e6d741###1',
    );
  });

  it('v1 pay X-VERIFY matches the published vector', () => {
    const payload = Buffer.from(PAY_PAYLOAD, 'base64').toString('utf8');
    expect(JSON.parse(payload)).toMatchObject({ merchantTransactionId: 'MT7850590068188104', amount: 10000 });
    expect(phonePeXVerify(PAY_PAYLOAD, '/pg/v1/pay', SALT, '1')).toBe(
      'd7a8e4458caa6fcd781166bbdc85fec76740c18cb9baa9a4c48cf2387d554180###1',
    );
  });

  it('v1 callback X-VERIFY has no path in the string', () => {
    expect(phonePeCallbackXVerify('abc', SALT, '1')).not.toBe(phonePeXVerify('abc', '/pg/v1/pay', SALT, '1'));
    expect(phonePeCallbackXVerify('abc', SALT, '1')).toBe(phonePeXVerify('abc', '', SALT, '1'));
  });

  it('compares in constant time and refuses missing or different checksums', () => {
    expect(phonePeChecksumEquals('abc###1', 'ABC###1')).toBe(true);
    expect(phonePeChecksumEquals('abc###1', 'abd###1')).toBe(false);
    expect(phonePeChecksumEquals('abc###1', undefined)).toBe(false);
    expect(phonePeChecksumEquals('abc###1', 'abc')).toBe(false);
  });
});
