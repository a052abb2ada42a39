/**
 * Which origins may open a WebSocket. Browsers send `Origin` (RFC 6455, hixie drafts) or
 * `Sec-WebSocket-Origin` (hybi-07/08); other clients usually send neither and are allowed.
 * faye-websocket's draft handshakes echo whatever origin arrives, so the router decides first.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** Decides whether an origin may connect; `origin` is undefined when the request has none. */
export type OriginPolicy = (origin: string | undefined, headers: IncomingHttpHeaders) => boolean;

/** Reads the request's origin from either spelling. */
export function readOrigin(headers: IncomingHttpHeaders): string | undefined {
  const origin = headers.origin ?? headers['sec-websocket-origin'];
  return Array.isArray(origin) ? origin[0] : origin;
}

/**
 * The default policy: no origin is allowed (not a browser), the server's own origin
 * (`http://` + the request's Host) is allowed, and so is every origin listed.
 */
export function createOriginPolicy(allowed: readonly string[] = []): OriginPolicy {
  const listed = new Set(allowed.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  return (origin, headers) => {
    if (origin === undefined) return true;
    const normalized = origin.toLowerCase();
    if (listed.has('*') || listed.has(normalized)) return true;
    const host = headers.host?.toLowerCase();
    return (
      host !== undefined && (normalized === `http://${host}` || normalized === `https://${host}`)
    );
  };
}
