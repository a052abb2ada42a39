/**
 * Classification: which protocol an upgrade request speaks, which engine serves it, or why
 * it is refused. A pure function of the request line and headers.
 *
 * Design note. The router decides here, before any engine sees the socket. WebSocket-Node
 * answers an unknown version with its own 426 and a hixie request with a 400, and
 * WebSocketServer then ends the socket: mounted first on mixed traffic it would kill the
 * draft clients that faye-websocket could have served. So no engine is asked "can you take
 * this?"; each is handed only what it is known to serve (see docs/PROTOCOL.md, "Protocols and
 * engines"). When several refusals apply, the first of version, malformed, origin, path wins.
 *
 * Recognition:
 *   Sec-WebSocket-Version 13 / 8 / 7 -> rfc6455 / hybi-08 / hybi-07 (RFC 6455 §4.2.1, hybi drafts §4)
 *   no version, Sec-WebSocket-Key1 and -Key2 -> hixie-76 (draft-hixie-76 §5.1)
 *   no version, no keys, Upgrade: WebSocket -> hixie-75 (draft-hixie-75 §4.1)
 */
import type { IncomingHttpHeaders } from 'node:http';
import { type Forwarding, type ProxyTrust, readForwarding } from './forwarded.js';
import { parseDraft76Key } from './hixie/draft76-key.js';
import { type OriginPolicy, readOrigin } from './origin-policy.js';
import {
  type Engine,
  PROTOCOL_TABLE,
  type Protocol,
  protocolOfVersion,
  SUPPORTED_VERSIONS,
} from './protocols.js';

/** What classification reads of an HTTP upgrade request. */
export interface UpgradeRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** `1.1` and so on; absent means it is not known (and not checked). */
  readonly httpVersion?: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /**
   * The TCP peer's address; forwarding headers are read only when `trustProxy` trusts it.
   * Without `trustProxy` it decides nothing and may be left out.
   */
  readonly peerAddress?: string | undefined;
}

/** What an engine tells the classifier: the protocols it can serve. */
export interface EngineServes {
  readonly serves: readonly Protocol[];
}

/** What the server allows. */
export interface ClassifyOptions {
  /** Paths that take WebSockets, e.g. `['/ws', '/relay']`. */
  readonly paths: readonly string[];
  /** Decides on the request's origin. */
  readonly isOriginAllowed: OriginPolicy;
  /** The engines by name (engines/index.ts). */
  readonly engines: Readonly<Record<string, EngineServes>>;
  /** Peers whose X-Forwarded-* headers are believed (forwarded.ts); default: none. */
  readonly trustProxy?: ProxyTrust | undefined;
}

/** Why a request is refused, in the order the checks run. */
export const REJECT_REASONS = [
  'unsupported_version',
  'malformed',
  'forbidden_origin',
  'unknown_path',
] as const;

/** One refusal reason. */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A request to hand to an engine. */
export interface Accepted {
  readonly accept: true;
  readonly protocol: Protocol;
  readonly engine: Engine;
  readonly path: string;
  /** The query string as URL's `search` has it (`?` first, or empty): parsed only if read. */
  readonly search: string;
  readonly origin: string | undefined;
  /** The client's address and the public scheme and host, as far as a trusted proxy said. */
  readonly forwarding: Forwarding;
}

/** A request to refuse with a plain HTTP response. */
export interface Rejected {
  readonly accept: false;
  readonly reason: RejectReason;
  readonly status: 400 | 403 | 404 | 426;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The router's decision about one upgrade request. */
export type Decision = Accepted | Rejected;

// RFC 6455 §4.1: the key is 16 random bytes, base64: 22 characters and "==".
const HYBI_KEY = /^[A-Za-z0-9+/]{22}==$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  // Most clients send the one token: no list to split.
  if (value.length === token.length && value.toLowerCase() === token) return true;
  return value.split(',').some((part) => part.trim().toLowerCase() === token);
}

function reject(
  reason: RejectReason,
  status: Rejected['status'],
  message: string,
  headers: Record<string, string> = {},
): Rejected {
  return { accept: false, reason, status, message, headers };
}

const malformed = (message: string) => reject('malformed', 400, message);

// RFC 6455 §4.2.1 (and the drafts' own handshakes): "An HTTP/1.1 or higher GET request".
function isHttp11OrHigher(httpVersion: string | undefined): boolean {
  if (httpVersion === undefined || httpVersion === '1.1') return true;
  const [major = 0, minor = 0] = httpVersion.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 1);
}

// Which protocol the headers speak, or why they are malformed.
function recognise(request: UpgradeRequest): Protocol | Rejected {
  const { headers } = request;
  const version = header(headers, 'sec-websocket-version')?.trim();
  if (request.method !== 'GET') return malformed('A WebSocket handshake is a GET request.');
  if (!isHttp11OrHigher(request.httpVersion)) {
    return malformed('A WebSocket handshake needs HTTP/1.1 or higher.');
  }
  if (!hasToken(header(headers, 'upgrade'), 'websocket')) {
    return malformed('The request does not ask to upgrade to WebSocket.');
  }
  if (!hasToken(header(headers, 'connection'), 'upgrade')) {
    return malformed('The Connection header must include Upgrade.');
  }
  if (header(headers, 'host') === undefined) return malformed('The request has no Host header.');

  if (version !== undefined) {
    const protocol = protocolOfVersion(version);
    if (protocol === undefined) return malformed('Unsupported version.');
    const key = header(headers, 'sec-websocket-key')?.trim();
    if (key === undefined || !HYBI_KEY.test(key)) {
      return malformed('Sec-WebSocket-Key must be 16 bytes in base64.');
    }
    return protocol;
  }

  // A hybi key without a version is malformed, keys 1 and 2 or not: faye-websocket's driver
  // would take it for hybi and refuse it itself.
  if (header(headers, 'sec-websocket-key') !== undefined) {
    return malformed('Sec-WebSocket-Key without Sec-WebSocket-Version.');
  }
  const key1 = header(headers, 'sec-websocket-key1');
  const key2 = header(headers, 'sec-websocket-key2');
  if (key1 !== undefined || key2 !== undefined) {
    if (key1 === undefined || key2 === undefined) {
      return malformed('A draft-76 handshake needs both Sec-WebSocket-Key1 and Key2.');
    }
    if (parseDraft76Key(key1) === null || parseDraft76Key(key2) === null) {
      return malformed(
        'A draft-76 key needs digits and spaces, a number that fits 32 bits and divides by its spaces.',
      );
    }
    return 'hixie-76';
  }
  return 'hixie-75';
}

function chooseEngine(
  protocol: Protocol,
  search: string,
  headers: IncomingHttpHeaders,
  engines: ClassifyOptions['engines'],
): Engine | Rejected {
  const asked = search === '' ? null : new URLSearchParams(search).get('engine');
  const engine = asked ?? PROTOCOL_TABLE[protocol].defaultEngine;
  const adapter = Object.hasOwn(engines, engine) ? engines[engine] : undefined;
  if (adapter === undefined) {
    return malformed(`Unknown engine; use one of: ${Object.keys(engines).join(', ')}.`);
  }
  if (!adapter.serves.includes(protocol)) {
    return malformed(`${engine} does not serve ${protocol}.`);
  }
  // RFC 6455 lets Upgrade list other protocols too; websocket-driver takes `websocket` alone
  // and would refuse the rest itself, so the router refuses them first, with the same answer.
  const upgrade = header(headers, 'upgrade')?.trim().toLowerCase();
  if (engine === 'faye-websocket' && upgrade !== 'websocket') {
    return malformed('faye-websocket needs `Upgrade: websocket` and nothing else.');
  }
  return engine;
}

// A path of plain segments (no empty, `.` or `..` segment, nothing to percent-decode) and a
// query of plain characters mean the same to the URL parser as they read: no normalization.
const PLAIN_PATH = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._~-]+)+\/?$/;
const PLAIN_QUERY = /^[A-Za-z0-9._~=&-]*$/;

/**
 * The path and query string of a request target, as the WHATWG URL parser reads them against
 * `http://localhost`; undefined when it cannot. Plain targets (`/ws`, `/ws?engine=faye-websocket`)
 * are split directly: the parser costs some microseconds a handshake and changes nothing there.
 */
export function readTarget(
  target: string,
): { readonly path: string; readonly search: string } | undefined {
  const mark = target.indexOf('?');
  const path = mark === -1 ? target : target.slice(0, mark);
  const search = mark === -1 ? '' : target.slice(mark);
  if (PLAIN_PATH.test(path) && PLAIN_QUERY.test(search.slice(1))) return { path, search };
  try {
    const url = new URL(target, 'http://localhost');
    return { path: url.pathname, search: url.search };
  } catch {
    return undefined;
  }
}

/** Classifies one upgrade request: the protocol and engine, or the HTTP refusal. */
export function classifyUpgrade(request: UpgradeRequest, options: ClassifyOptions): Decision {
  // RFC 6455 §4.2.2: an unsupported version gets 426 and the versions we do serve.
  const version = header(request.headers, 'sec-websocket-version')?.trim();
  if (version !== undefined && protocolOfVersion(version) === undefined) {
    return reject('unsupported_version', 426, 'Unsupported WebSocket version.', {
      'Sec-WebSocket-Version': SUPPORTED_VERSIONS.join(', '),
    });
  }

  const protocol = recognise(request);
  if (typeof protocol !== 'string') return protocol;

  const target = readTarget(request.url ?? '/');
  if (target === undefined) return malformed('The request target is not a valid path.');
  const { path, search } = target;
  const engine = chooseEngine(protocol, search, request.headers, options.engines);
  if (typeof engine !== 'string') return engine;

  const forwarding = readForwarding(request.headers, request.peerAddress, options.trustProxy);
  const origin = readOrigin(request.headers);
  if (!options.isOriginAllowed(origin, request.headers, forwarding)) {
    return reject('forbidden_origin', 403, 'Origin not allowed.');
  }
  if (!options.paths.includes(path)) return reject('unknown_path', 404, 'Not Found.');
  return { accept: true, protocol, engine, path, search, origin, forwarding };
}
