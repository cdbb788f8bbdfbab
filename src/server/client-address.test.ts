import { describe, expect, it } from 'vitest';
import { clientAddress, forwardedRequest, normalizeAddress, parseTrustProxy, type TrustProxy } from './client-address';

const trust = (value: string): TrustProxy => {
  const parsed = parseTrustProxy(value);
  if (!parsed) throw new Error(`bad TRUST_PROXY ${value}`);
  return parsed;
};

describe('TRUST_PROXY', () => {
  it('takes a hop count or a list of addresses / CIDRs', () => {
    expect(parseTrustProxy('1')).toEqual({ hops: 1 });
    expect(parseTrustProxy('10')).toEqual({ hops: 10 });
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1')).toMatchObject({
      cidrs: ['10.0.0.0/8', '192.168.1.7/32', 'fd00::/8', '::1/128'],
    });
  });

  it.each(['0', '11', 'yes', '10.0.0.0/33', '::1/129', '10.0.0/8', '10.0.0.0/8,', '10.0.0.0/8/1', '10.0.0.0/-1', 'localhost', ''])(
    'rejects %j',
    (value) => {
      expect(parseTrustProxy(value)).toBeNull();
    },
  );
});

describe('client address', () => {
  it('without TRUST_PROXY is the socket peer; X-Forwarded-For is ignored', () => {
    expect(clientAddress('198.51.100.9', '203.0.113.1', undefined)).toBe('198.51.100.9');
    expect(clientAddress('::ffff:198.51.100.9', undefined, undefined)).toBe('198.51.100.9');
  });

  it('with a hop count, is that many hops left of the peer; entries the client wrote further left never count', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7', trust('1'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7', trust('1'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2', trust('2'))).toBe('203.0.113.7');
    // Fewer entries than hops: the left-most there is.
    expect(clientAddress('10.0.0.1', '203.0.113.7', trust('3'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.1', undefined, trust('1'))).toBe('10.0.0.1');
  });

  it('with CIDRs, is the right-most address that is not a trusted proxy', () => {
    const t = trust('10.0.0.0/8,2001:db8::/32');
    expect(clientAddress('10.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3', t)).toBe('203.0.113.7');
    expect(clientAddress('2001:db8::1', '2001:DB8:FFFF::2, [2a00:1450::5]:443', t)).toBe('2a00:1450::5');
    expect(clientAddress('::ffff:10.0.0.1', '198.51.100.4:5555', t)).toBe('198.51.100.4');
    // A peer that is not a trusted proxy is the client, whatever it forwards.
    expect(clientAddress('198.51.100.9', '203.0.113.7', t)).toBe('198.51.100.9');
    // Only trusted proxies all the way: the left-most.
    expect(clientAddress('10.0.0.1', '10.0.0.3, 10.0.0.2', t)).toBe('10.0.0.3');
  });

  it('normalizes what it can and keeps the rest as given', () => {
    expect(normalizeAddress(' 2001:DB8::1 ')).toBe('2001:db8::1');
    expect(normalizeAddress('[::1]:8080')).toBe('::1');
    expect(normalizeAddress('unknown')).toBe('unknown');
  });
});

describe('forwarded scheme and host', () => {
  const headers = (h: Record<string, string>) => (name: string) => h[name];
  const h = headers({ 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'console.example.com' });

  it('counts only with TRUST_PROXY, and with CIDRs only from a trusted peer; the nearest proxy has the last word', () => {
    expect(forwardedRequest('10.0.0.1', h, undefined)).toBeUndefined();
    expect(forwardedRequest('10.0.0.1', h, trust('1'))).toEqual({ proto: 'https', host: 'console.example.com' });
    expect(forwardedRequest('10.0.0.1', h, trust('10.0.0.0/8'))).toEqual({ proto: 'https', host: 'console.example.com' });
    expect(forwardedRequest('198.51.100.9', h, trust('10.0.0.0/8'))).toBeUndefined();
    expect(forwardedRequest('10.0.0.1', headers({ 'x-forwarded-proto': 'gopher' }), trust('1'))).toEqual({
      proto: undefined,
      host: undefined,
    });
  });
});
