import { openMutationsWarning } from './open-mutations.warning';

describe('openMutationsWarning', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', 'api.internal'])('warns when API_KEYS is unset and the service listens on %s', (host) => {
    const warning = openMutationsWarning({ host, port: 3000, apiKeys: [] });
    expect(warning).toContain(`listens on ${host}:3000`);
    expect(warning).toContain('Set API_KEYS');
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', 'localhost'])('is quiet on the loopback address %s', (host) => {
    expect(openMutationsWarning({ host, port: 3000, apiKeys: [] })).toBeNull();
  });

  it('is quiet when keys guard the routes', () => {
    expect(openMutationsWarning({ host: '0.0.0.0', port: 3000, apiKeys: ['a-key-of-sixteen-chars'] })).toBeNull();
  });
});
