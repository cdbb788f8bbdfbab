import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of the server are trusted to say who the client is (`TRUST_PROXY`): a number of hops, or
 * the proxies' addresses as CIDRs. Without it, forwarded headers are ignored.
 */
export type TrustProxy = { hops: number } | { cidrs: string[]; list: BlockList };

export const MAX_PROXY_HOPS = 10;

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack socket) is `10.0.0.1`; IPv6 in lower case; ports dropped. */
export function normalizeAddress(value: string): string {
  let a = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed?.[1]) a = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(a);
  return mapped?.[1] ?? a;
}

/** Parses `TRUST_PROXY`: a hop count (1–10) or a comma-separated list of CIDRs; null when it is neither. */
export function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= MAX_PROXY_HOPS ? { hops } : null;
  }
  const list = new BlockList();
  const cidrs: string[] = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    const [address = '', prefixText, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return null;
    const max = family === 4 ? 32 : 128;
    if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (prefix > max) return null;
    list.addSubnet(normalizeAddress(address), prefix, family === 4 ? 'ipv4' : 'ipv6');
    cidrs.push(`${address}/${prefix}`);
  }
  return { cidrs, list };
}

function isTrusted(trust: TrustProxy & { list: BlockList }, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && trust.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Every value of a comma-separated header, in order (repeated headers arrive joined by ", "). */
const listOf = (header: string | undefined) =>
  (header ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/**
 * The client's address. Without `trust`: the socket's peer. With a hop count n: the n-th address from the right of
 * `X-Forwarded-For` + peer (the peer is the first hop). With CIDRs: walking from the peer leftwards, the first
 * address that is not a trusted proxy. Entries left of that are the client's own claims and never used.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxy | undefined): string {
  const socket = normalizeAddress(peer);
  if (!trust) return socket;
  const chain = [...listOf(forwardedFor).map((a) => normalizeAddress(a).slice(0, 100)), socket];
  if ('hops' in trust) return chain[Math.max(0, chain.length - 1 - trust.hops)] ?? socket;
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = chain[i] ?? socket;
    if (!isTrusted(trust, address)) return address;
  }
  return chain[0] ?? socket;
}

/** What a trusted proxy says about the request as the browser made it; undefined when nothing is trusted. */
export function forwardedRequest(
  peer: string,
  header: (name: string) => string | undefined,
  trust: TrustProxy | undefined,
): { proto: 'http' | 'https' | undefined; host: string | undefined } | undefined {
  if (!trust) return undefined;
  if (!('hops' in trust) && !isTrusted(trust, normalizeAddress(peer))) return undefined;
  // The nearest proxy's word: the right-most value of each.
  const proto = listOf(header('x-forwarded-proto')).at(-1)?.toLowerCase();
  const host = listOf(header('x-forwarded-host')).at(-1);
  return { proto: proto === 'https' || proto === 'http' ? proto : undefined, host };
}
