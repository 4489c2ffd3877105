import { CorsPolicy } from './cors-policy';

describe('CorsPolicy', () => {
  it('allows nothing and adds no header when no origin is configured', () => {
    const policy = new CorsPolicy([]);
    expect(policy.enabled).toBe(false);
    expect(policy.allowOriginFor('https://a.example')).toBeNull();
    expect(policy.headersFor('https://a.example')).toEqual({});
  });

  it('reflects a listed origin, varies by Origin, and refuses the others', () => {
    const policy = new CorsPolicy(['https://a.example', 'http://localhost:8080']);
    expect(policy.headersFor('http://localhost:8080')).toEqual({ vary: 'Origin', 'access-control-allow-origin': 'http://localhost:8080' });
    expect(policy.headersFor('https://b.example')).toEqual({ vary: 'Origin' });
    expect(policy.headersFor(undefined)).toEqual({ vary: 'Origin' });
  });

  it('allows any origin with *', () => {
    expect(new CorsPolicy(['*']).headersFor('https://b.example')).toEqual({ 'access-control-allow-origin': '*' });
  });
});
