// Pure functions only: nothing in this file opens a socket or asks a resolver.
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, literalAddressOf, parseAllowedNetworks } from './address-policy';

/** What a Git address's host denotes, the way the check will see it: WHATWG URL parsing, then the literal. */
const literalOf = (host: string) => literalAddressOf(new URL(`https://${host}/r.git`).hostname);

const defaults = createAddressPolicy([]);

describe('literal addresses in every spelling, judged by the default policy', () => {
  it.each([
    // spelling in the URL, the address it denotes, the verdict (a range name: refused)
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['127.1', '127.0.0.1', 'loopback'],
    ['2130706433', '127.0.0.1', 'loopback'],
    ['0x7f000001', '127.0.0.1', 'loopback'],
    ['0x7f.0.0.1', '127.0.0.1', 'loopback'],
    ['0177.0.0.1', '127.0.0.1', 'loopback'],
    ['127.0.0.1.', '127.0.0.1', 'loopback'],
    ['[::1]', '::1', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', '::1', 'loopback'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1', 'loopback'],
    ['[0:0:0:0:0:ffff:127.0.0.1]', '::ffff:7f00:1', 'loopback'],
    ['[::FFFF:7F00:1]', '::ffff:7f00:1', 'loopback'],
    ['[::127.0.0.1]', '::7f00:1', 'ipv4Compatible'],
    ['[::8.8.8.8]', '::808:808', 'ipv4Compatible'],
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['0', '0.0.0.0', 'unspecified'],
    ['[::]', '::', 'unspecified'],
    ['10.0.0.1', '10.0.0.1', 'private'],
    ['012.0.0.1', '10.0.0.1', 'private'],
    ['172.16.5.4', '172.16.5.4', 'private'],
    ['192.168.1.1', '192.168.1.1', 'private'],
    ['[::ffff:192.168.1.1]', '::ffff:c0a8:101', 'private'],
    ['169.254.169.254', '169.254.169.254', 'linkLocal'],
    ['0xa9fea9fe', '169.254.169.254', 'linkLocal'],
    ['[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe', 'linkLocal'],
    ['100.100.100.200', '100.100.100.200', 'carrierGradeNat'],
    ['100.64.0.1', '100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', '100.127.255.254', 'carrierGradeNat'],
    ['[fd00::1]', 'fd00::1', 'uniqueLocal'],
    ['[fc00::1]', 'fc00::1', 'uniqueLocal'],
    ['[fe80::1]', 'fe80::1', 'linkLocal'],
    ['[fec0::1]', 'fec0::1', 'deprecatedSiteLocal'],
    ['224.0.0.1', '224.0.0.1', 'multicast'],
    ['[ff02::1]', 'ff02::1', 'multicast'],
    ['255.255.255.255', '255.255.255.255', 'broadcast'],
    ['240.0.0.1', '240.0.0.1', 'reserved'],
    ['192.0.2.10', '192.0.2.10', 'reserved'],
    ['198.18.0.1', '198.18.0.1', 'reserved'],
    ['[2001:db8::1]', '2001:db8::1', 'reserved'],
    ['[4000::1]', '4000::1', 'reserved'],
    ['[100::1]', '100::1', 'discard'],
    ['[64:ff9b::a9fe:a9fe]', '64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1', 'rfc6052'],
    ['[::ffff:0:7f00:1]', '::ffff:0:7f00:1', 'rfc6145'],
    ['[2002:7f00:1::]', '2002:7f00:1::', '6to4'],
    ['[2001::1]', '2001::1', 'teredo'],
    ['[2001:2::1]', '2001:2::1', 'benchmarking'],
    ['8.8.8.8', '8.8.8.8', true],
    ['134744072', '8.8.8.8', true],
    ['47.98.1.1', '47.98.1.1', true],
    ['100.128.0.1', '100.128.0.1', true],
    ['[::ffff:8.8.8.8]', '::ffff:808:808', true],
    ['[2606:4700::1111]', '2606:4700::1111', true],
    ['[2606:4700:0:0:0:0:0:1111]', '2606:4700::1111', true],
    ['[2408:4000::1]', '2408:4000::1', true],
  ])('%s denotes %s: %s', (spelling, literal, verdict) => {
    expect(literalOf(spelling)).toBe(literal);
    expect(defaults.check(literal)).toEqual(verdict === true ? { allowed: true } : { allowed: false, range: verdict });
  });

  it.each([
    'example.com',
    'git.example.com.',
    'localhost',
    'LOCALHOST',
    '127.0.0.1.nip.io',
    'xn--4ca0b.com',
    'Äö.com',
    '0x7f-0-0-1.example',
  ])('%s is a DNS name: no literal (the resolved addresses are checked instead)', (host) => {
    expect(literalOf(host)).toBeNull();
  });
});

describe('literalAddressOf on hostnames not taken from a URL', () => {
  it.each([
    ['127.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['::1', '::1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
  ])('%s → %s', (hostname, literal) => {
    expect(literalAddressOf(hostname)).toBe(literal);
  });

  it.each([
    '',
    'a@127.0.0.1',
    '127.0.0.1/evil',
    'evil.com/127.0.0.1',
    '127.0.0.1:443',
    '[127.0.0.1]',
    '[::1',
    '[fe80::1%eth0]',
    ' 127.0.0.1',
    '1.2.3.4.5',
    '08.0.0.1',
    'x'.repeat(300),
    undefined as unknown as string,
  ])('%j is no literal address', (hostname) => {
    expect(literalAddressOf(hostname)).toBeNull();
  });
});

describe('check refuses malformed input without throwing', () => {
  it.each([
    '',
    'abc',
    '127.1',
    '0x7f000001',
    '0177.0.0.1',
    '2130706433',
    '300.1.1.1',
    ' 8.8.8.8',
    '8.8.8.8 ',
    '8.8.8.8:443',
    '8.8.8.8/32',
    '[2606:4700::1111]',
    '2606:4700::1111%eth0',
    'fe80::1%eth0',
    '::ffff:127.1',
    '1:2:3:4:5:6:7:8:9',
    '1'.repeat(1000),
    undefined as unknown as string,
    null as unknown as string,
    42 as unknown as string,
  ])('%j is invalid', (address) => {
    expect(defaults.check(address)).toEqual({ allowed: false, range: 'invalid' });
    expect(createAddressPolicy(['0.0.0.0/0', '::/0']).check(address)).toEqual({ allowed: false, range: 'invalid' });
  });
});

describe('the allow-list (GIT_ALLOWED_NETWORKS)', () => {
  const verdictOf = (networks: string[], host: string) => {
    const literal = literalOf(host);
    if (literal === null) throw new Error(`${host} is no literal`);
    return createAddressPolicy(networks).check(literal).allowed;
  };

  it('127.0.0.0/8 lets loopback IPv4 through in any spelling, mapped IPv6 too, but not ::1', () => {
    for (const host of ['127.0.0.1', '127.1', '2130706433', '127.255.0.9', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'])
      expect(verdictOf(['127.0.0.0/8'], host)).toBe(true);
    for (const host of ['[::1]', '[::127.0.0.1]', '10.0.0.1', '169.254.169.254', '0.0.0.0'])
      expect(verdictOf(['127.0.0.0/8'], host)).toBe(false);
  });

  it('::1/128 lets ::1 through and nothing else', () => {
    expect(verdictOf(['::1/128'], '[::1]')).toBe(true);
    expect(verdictOf(['::1'], '[::1]')).toBe(true);
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::2]']) expect(verdictOf(['::1/128'], host)).toBe(false);
  });

  it('10.20.0.0/16 allows an internal Git server and no other private address', () => {
    for (const host of ['10.20.0.5', '10.20.255.254', '[::ffff:10.20.3.4]']) expect(verdictOf(['10.20.0.0/16'], host)).toBe(true);
    for (const host of ['10.21.0.1', '10.19.255.255', '10.0.0.1', '192.168.1.1', '100.100.100.200'])
      expect(verdictOf(['10.20.0.0/16'], host)).toBe(false);
  });

  it('a mapped IPv6 entry means its IPv4 address; IPv6 networks match IPv6', () => {
    expect(verdictOf(['::ffff:127.0.0.1'], '127.0.0.1')).toBe(true);
    expect(verdictOf(['::ffff:127.0.0.1'], '127.0.0.2')).toBe(false);
    expect(verdictOf(['fd00::/8'], '[fd12::1]')).toBe(true);
    expect(verdictOf(['fd00::/8'], '[fe80::1]')).toBe(false);
    expect(verdictOf(['::/0'], '[::ffff:127.0.0.1]')).toBe(true);
  });

  it('public addresses stay allowed beside the list', () => {
    expect(verdictOf(['10.20.0.0/16'], '8.8.8.8')).toBe(true);
    expect(verdictOf(['10.20.0.0/16'], '[2606:4700::1111]')).toBe(true);
  });

  it('reports the list normalized and refuses to build from a bad entry', () => {
    expect(createAddressPolicy(['10.20.1.0/16', '::1']).allowedNetworks).toEqual(['10.20.0.0/16', '::1/128']);
    expect(() => createAddressPolicy(['localhost'])).toThrow(TypeError);
  });
});

describe('parseAllowedNetworks', () => {
  it.each([
    ['127.0.0.0/8', ['127.0.0.0/8']],
    ['10.20.0.0/16, ::1', ['10.20.0.0/16', '::1/128']],
    [' 192.168.1.7 ', ['192.168.1.7/32']],
    ['10.20.1.0/16', ['10.20.0.0/16']],
    ['FD00:0::/8', ['fd00::/8']],
    ['::ffff:10.0.0.0/104', ['10.0.0.0/8']],
    ['::ffff:0:0/96', ['0.0.0.0/0']],
    ['0.0.0.0/0,::/0', ['0.0.0.0/0', '::/0']],
    ['127.0.0.0/8,127.0.0.0/8', ['127.0.0.0/8', '127.0.0.0/8']],
  ])('%j → %j', (value, networks) => {
    expect(parseAllowedNetworks(value)).toEqual(networks);
  });

  it.each([
    '',
    ' ',
    ',',
    '10.0.0.0/8,',
    '10.0.0.0/8,,::1',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/ 8',
    '10.0.0.0/8/8',
    '10.0.0.0/0x8',
    '10.0.0.0/8;192.168.0.0/16',
    'localhost',
    'example.com/24',
    '127.1',
    '127.1/8',
    '010.0.0.0/8',
    '2130706433',
    '[::1]',
    'fe80::1%eth0',
    'true',
  ])('%j is refused', (value) => {
    expect(parseAllowedNetworks(value)).toBeNull();
  });
});
