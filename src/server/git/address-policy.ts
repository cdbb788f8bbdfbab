import { domainToASCII } from 'node:url';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses an outgoing Git check may connect to. By default only globally routable unicast: every range
 * ipaddr.js names other than 'unicast' is refused (loopback, private, linkLocal with 169.254.169.254,
 * carrierGradeNat with Alibaba Cloud's metadata service 100.100.100.200, multicast, unspecified, broadcast, reserved,
 * uniqueLocal, 6to4, teredo, rfc6052 NAT64, rfc6145, benchmarking, …), and so is IPv6 outside 2000::/3, the only
 * block IANA hands out as global unicast.
 *
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) reaches that IPv4 address through a dual-stack socket, so it is judged as that
 * IPv4 address: `::ffff:8.8.8.8` is allowed, `::ffff:127.0.0.1` refused as 'loopback', and IPv4 networks of the
 * allow-list match it. IPv4-compatible IPv6 (`::a.b.c.d`, deprecated by RFC 4291) is not IPv4 to the kernel: where it
 * goes depends on tunnels, so it is always refused ('ipv4Compatible') unless an IPv6 network of the allow-list
 * holds it. The allow-list (`GIT_ALLOWED_NETWORKS`) wins over every range.
 */
export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

export interface AddressPolicy {
  /** Never throws: anything but one address in its plain spelling (no brackets, port or zone) is 'invalid'. */
  check(address: string): AddressVerdict;
  /** The allow-list, normalized: `network/prefix`, host bits cleared, IPv6 compressed. */
  readonly allowedNetworks: readonly string[];
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;
interface Network {
  address: Address;
  prefix: number;
  text: string;
}

const MAX_ADDRESS_LENGTH = 100;
const GLOBAL_UNICAST_V6: [ipaddr.IPv6, number] = ipaddr.IPv6.parseCIDR('2000::/3');
const IPV4_COMPATIBLE: [ipaddr.IPv6, number] = ipaddr.IPv6.parseCIDR('::/96');

/**
 * One address in the only spellings a resolver or a WHATWG URL produces: IPv4 as four decimal parts without leading
 * zeros (`0177.0.0.1`, `127.1` and `2130706433` are not addresses here: systems disagree about what they mean), IPv6
 * without a zone. Null for anything else.
 */
function parseAddress(text: unknown): Address | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return null;
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
    if (!text.includes('%') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  } catch {
    // ipaddr.js reports a bad address by throwing; here that is simply not an address.
  }
  return null;
}

const canonical = (address: Address) => (address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString());

/** `a.b.c.d/n`, `x::y/n` or a bare address (/32, /128); an IPv4-mapped network of /96 or longer becomes IPv4. */
function parseNetwork(entry: string): Network | null {
  const parts = entry.trim().split('/');
  if (parts.length > 2) return null;
  const [addressText, prefixText] = parts;
  let address = parseAddress(addressText);
  if (!address) return null;
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  let prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  if (address.kind() === 'ipv6' && prefix >= 96 && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
    prefix -= 96;
  }
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  return { address: network, prefix, text: `${canonical(network)}/${prefix}` };
}

/**
 * `GIT_ALLOWED_NETWORKS`: comma-separated CIDRs (a bare address = /32 or /128); null when any entry is invalid.
 * Entries come back normalized (`10.20.1.0/16` → `10.20.0.0/16`, `::ffff:10.0.0.0/104` → `10.0.0.0/8`).
 */
export function parseAllowedNetworks(value: string): string[] | null {
  const networks: string[] = [];
  for (const entry of value.split(',')) {
    const network = parseNetwork(entry);
    if (!network) return null;
    networks.push(network.text);
  }
  return networks;
}

const inNetwork = (address: Address, network: Network) =>
  address.kind() === network.address.kind() && address.match(network.address, network.prefix);

/** The range that refuses `address` by default, or 'unicast' when it is globally routable. */
function rangeOf(address: Address): string {
  const range: string = address.range();
  if (range !== 'unicast' || address.kind() === 'ipv4') return range;
  if (address.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return address.match(GLOBAL_UNICAST_V6) ? 'unicast' : 'reserved';
}

/** The policy for `allowedNetworks` (as `parseAllowedNetworks` accepts them; an invalid entry throws). */
export function createAddressPolicy(allowedNetworks: readonly string[]): AddressPolicy {
  const networks = allowedNetworks.map((entry) => {
    const network = parseNetwork(entry);
    if (!network) throw new TypeError(`Not an address or CIDR: ${JSON.stringify(entry)}`);
    return network;
  });
  return {
    allowedNetworks: Object.freeze(networks.map((n) => n.text)),
    check(text) {
      const address = parseAddress(text);
      if (!address) return { allowed: false, range: 'invalid' };
      const judged =
        address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
      if (networks.some((n) => inNetwork(address, n) || inNetwork(judged, n))) return { allowed: true };
      const range = rangeOf(judged);
      return range === 'unicast' ? { allowed: true } : { allowed: false, range };
    },
  };
}

/**
 * The IP address a URL hostname (WHATWG-normalized, IPv6 in brackets) denotes literally, or null for a DNS name.
 * IPv4 comes back as four decimal parts, IPv6 compressed (RFC 5952) without brackets. A hostname that is not yet
 * normalized goes through the WHATWG host parser first, so `127.1`, `0x7f000001` or `2130706433` give `127.0.0.1`
 * here too; a string with a URL delimiter in it (`/ ? # @ :` …) is no hostname and gives null.
 */
export function literalAddressOf(hostname: string): string | null {
  if (typeof hostname !== 'string' || hostname.length === 0 || hostname.length > 255) return null;
  const bracketed = /^\[([^\]]*)\]$/.exec(hostname);
  const v6 = parseAddress(bracketed ? bracketed[1] : hostname);
  if (v6?.kind() === 'ipv6') return canonical(v6);
  if (bracketed || /[/\\?#@:[\]\s]/.test(hostname)) return null;
  const host = domainToASCII(hostname);
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? host : null;
}
