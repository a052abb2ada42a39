/**
 * Which origins may open a WebSocket. Browsers send `Origin` (RFC 6455, hixie drafts) or
 * `Sec-WebSocket-Origin` (hybi-07/08); other clients usually send neither and are allowed.
 * faye-websocket's draft handshakes echo whatever origin arrives, so the router decides first.
 *
 * The server's own origin is the public one: behind a trusted proxy, the scheme and host the
 * proxy forwarded (forwarded.ts), since the `Host` it sends may be its own upstream's name.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Forwarding } from './forwarded.js';

/**
 * Decides whether an origin may connect; `origin` is undefined when the request has none.
 * `forwarding` is where the client reached the server, as far as a trusted proxy said.
 */
export type OriginPolicy = (
  origin: string | undefined,
  headers: IncomingHttpHeaders,
  forwarding?: Forwarding,
) => boolean;

/** Reads the request's origin from either spelling. */
export function readOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin ?? headers['sec-websocket-origin'];
  return Array.isArray(origin) ? origin[0] : origin;
}

// With the scheme unknown (no trusted proxy said it) a TLS terminator may sit in front that
// does not say so: both schemes are the server's own then.
const EITHER_SCHEME = ['http', 'https'] as const;

/**
 * The default policy: no origin is allowed (not a browser), the server's own origin (the
 * public scheme and host, or `http://` and `https://` with the request's Host when the scheme
 * is not known) is allowed, and so is every origin listed.
 */
export function createOriginPolicy(allowed: readonly string[] = []): OriginPolicy {
  const listed = new Set(allowed.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  return (origin, headers, forwarding) => {
    if (origin === undefined) return true;
    const normalized = origin.toLowerCase();
    if (listed.has('*') || listed.has(normalized)) return true;
    const host = (forwarding === undefined ? headers.host : forwarding.host)?.toLowerCase();
    if (host === undefined) return false;
    const schemes = forwarding?.scheme === undefined ? EITHER_SCHEME : [forwarding.scheme];
    return schemes.some((scheme) => normalized === `${scheme}://${host}`);
  };
}
