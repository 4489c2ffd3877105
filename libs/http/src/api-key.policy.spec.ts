import { ApiKeyPolicy } from './api-key.policy';

describe('ApiKeyPolicy', () => {
  const current = 'current-key-0123456789';
  const previous = 'previous-key-9876543210';

  it('lets every request through when no key is configured', () => {
    const open = new ApiKeyPolicy([]);
    expect(open.enabled).toBe(false);
    expect(open.verdict({})).toBe('allowed');
    expect(open.verdict({ authorization: 'Bearer anything' })).toBe('allowed');
  });

  it('accepts any configured key as a Bearer token or an X-API-Key header', () => {
    const policy = new ApiKeyPolicy([current, previous]);
    expect(policy.enabled).toBe(true);
    expect(policy.verdict({ authorization: `Bearer ${current}` })).toBe('allowed');
    expect(policy.verdict({ authorization: `bearer  ${previous} ` })).toBe('allowed');
    expect(policy.verdict({ 'x-api-key': previous })).toBe('allowed');
    expect(policy.verdict({ 'x-api-key': [current, 'second copy'] })).toBe('allowed');
  });

  it('tells a request without a key from one with a wrong key', () => {
    const policy = new ApiKeyPolicy([current]);
    expect(policy.verdict({})).toBe('missing');
    expect(policy.verdict({ 'x-api-key': '  ' })).toBe('missing');
    expect(policy.verdict({ authorization: `Basic ${Buffer.from(`user:${current}`).toString('base64')}` })).toBe('missing');
    expect(policy.verdict({ authorization: `Bearer ${current}x` })).toBe('invalid');
    expect(policy.verdict({ authorization: `Bearer ${current.slice(0, -1)}` })).toBe('invalid');
    expect(policy.verdict({ 'x-api-key': previous })).toBe('invalid');
  });

  it('takes the Bearer token over X-API-Key when a request carries both', () => {
    const policy = new ApiKeyPolicy([current]);
    expect(policy.verdict({ authorization: 'Bearer wrong-key-000000000', 'x-api-key': current })).toBe('invalid');
    expect(policy.verdict({ authorization: `Bearer ${current}`, 'x-api-key': 'wrong-key-000000000' })).toBe('allowed');
  });
});
