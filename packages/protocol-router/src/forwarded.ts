/**
 * Trusted proxies: which peers may tell the server, in `X-Forwarded-For`, `X-Forwarded-Proto`
 * and `X-Forwarded-Host`, where the client really came from and which URL it used.
 *
 * Design notes.
 * - The headers are believed only when the TCP peer is trusted; from any other peer they are
 *   ignored, because any client can send them. This server never terminates TLS itself, so
 *   without a trusted `X-Forwarded-Proto` the public scheme is unknown, never https.
 * - A proxy appends to what the client sent (`$proxy_add_x_forwarded_for` in nginx,
 *   `option forwardfor` in HAProxy adds a header line, and Node joins repeated lines with
 *   ", "), so only the right-most values are the trusted proxy's own. The client address is the
 *   right-most `X-Forwarded-For` entry that is not itself a trusted proxy; scheme and host are
 *   the right-most values of their headers.
 * - `Forwarded` (RFC 7239) is not read: a proxy that sets the X-Forwarded headers usually
 *   passes a client's `Forwarded` through untouched, so reading both would let the client choose.
 */
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';

/** Decides whether a TCP peer is a proxy whose forwarding headers are believed. */
export type ProxyTrust = (address: string) => boolean;

/** What a request says about its client and the URL the client used. */
export interface Forwarding {
  /** The public scheme, when a trusted proxy said it; undefined when not known. */
  readonly scheme: 'http' | 'https' | undefined;
  /** The public `Host` (host and port as the client wrote them), when the request has one. */
  readonly host: string | undefined;
  /**
   * The client's address: the TCP peer's, or the one a trusted proxy forwarded for; undefined
   * when the peer's address was not read (no proxy trusted: the client is the TCP peer).
   */
  readonly clientAddress: string | undefined;
}

/** One entry of a trusted-proxy list, parsed: an address, or a network in CIDR notation. */
export interface ProxyRange {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** Parses `127.0.0.1`, `::1`, `10.0.0.0/8` or `fd00::/8`; null for anything else. */
export function parseProxyRange(entry: string): ProxyRange | null {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  const version = net.isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * A trust rule from addresses and CIDR ranges; an IPv4 range also matches the IPv4-mapped
 * IPv6 form (`::ffff:127.0.0.1`) a dual-stack socket reports. Throws a TypeError naming the
 * first entry that is neither.
 */
export function createProxyTrust(entries: readonly string[]): ProxyTrust {
  const list = new net.BlockList();
  for (const entry of entries) {
    const range = parseProxyRange(entry);
    if (range === null) throw new TypeError(`not an IP address or CIDR range: ${entry}`);
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return (address) => {
    const version = net.isIP(address);
    return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function rightMost(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const last = value.split(',').at(-1)?.trim();
  return last === '' ? undefined : last;
}

// A host and an optional port, as a Host header holds them: nothing that could end a header
// or change a URL's meaning (no spaces, slashes, `@`).
const HOST = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

// `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]`, `[::1]:5678`; null when it is no address.
function addressOf(entry: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const candidate = bracketed?.[1] ?? (net.isIPv6(entry) ? entry : entry.replace(/:\d+$/, ''));
  return net.isIP(candidate) === 0 ? null : candidate;
}

// Walks X-Forwarded-For from the right, past every trusted proxy, to the first address that
// is not one; an entry that is no address ends the walk at the hop that reported it.
function clientAddressOf(forwardedFor: string, peer: string, trust: ProxyTrust): string {
  let client = peer;
  for (const entry of forwardedFor.split(',').reverse()) {
    const address = addressOf(entry.trim());
    if (address === null) break;
    client = address;
    if (!trust(address)) break;
  }
  return client;
}

/**
 * What `headers` say about the client, when they came from `peer` (the TCP peer's address):
 * believed only when `trust(peer)`; otherwise the peer's address, the request's own `Host`
 * and an unknown scheme, whatever the headers say. With no `trust`, `peer` may be left
 * unread (undefined).
 */
export function readForwarding(
  headers: IncomingHttpHeaders,
  peer: string | undefined,
  trust: ProxyTrust | undefined,
): Forwarding {
  const host = header(headers, 'host');
  if (trust === undefined || peer === undefined || !trust(peer)) {
    return { scheme: undefined, host, clientAddress: peer };
  }
  const proto = rightMost(header(headers, 'x-forwarded-proto'))?.toLowerCase();
  const forwardedHost = rightMost(header(headers, 'x-forwarded-host'));
  const forwardedFor = header(headers, 'x-forwarded-for');
  return {
    scheme: proto === 'https' || proto === 'http' ? proto : undefined,
    host: forwardedHost !== undefined && HOST.test(forwardedHost) ? forwardedHost : host,
    clientAddress: forwardedFor === undefined ? peer : clientAddressOf(forwardedFor, peer, trust),
  };
}
