/**
 * The client side of the hixie opening handshake (draft-hixie-76 §4.1; draft-75 §4.1 is the same
 * without the key challenge): build the request, read the response as it trickles in, verify it.
 *
 * The response is read byte-exactly, not through Node's HTTP parser: after its headers a
 * draft-76 server sends 16 raw answer bytes and then frames, possibly all in one TCP chunk, and
 * none of them may be lost. The reader hands back whatever follows the handshake as `rest`.
 */
import { HIXIE_MAX_RESPONSE_HEAD_BYTES } from '../../hixie/hixie-constants.js';
import { checkRequestOptions, type RequestOptions } from '../option-checks.js';
import { HIXIE_DRAFT_RULES, type HixieChallenge, type HixieDraft } from './hixie-drafts.js';
import { HixieError } from './hixie-errors.js';

/** Where a hixie client connects and what it asks for, derived from a `ws:` URL. */
export interface HixieTarget {
  /** Host name or IP to connect to (IPv6 without brackets). */
  readonly hostname: string;
  /** TCP port (80, or 443 for `wss:`, when the URL has none). */
  readonly port: number;
  /** True for `wss:`: the connection speaks TLS. */
  readonly secure: boolean;
  /** The `Host` header: host, plus `:port` when not 80. */
  readonly host: string;
  /** Path and query, e.g. `/ws?engine=faye-websocket`. */
  readonly resource: string;
  /** The URL the server must repeat in its location header. */
  readonly location: string;
}

/** Reads a `ws:` or `wss:` URL (`ws://host:port/path?query`); rejects anything else clearly. */
export function parseHixieUrl(url: string): HixieTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HixieError('invalid_options', `url is not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new HixieError(
      'invalid_options',
      `url must start with ws: or wss:, got ${parsed.protocol}`,
    );
  }
  const secure = parsed.protocol === 'wss:';
  if (parsed.hash !== '') {
    throw new HixieError('invalid_options', 'url must not contain a fragment (#...)');
  }
  const resource = `${parsed.pathname || '/'}${parsed.search}`;
  return {
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port !== '' ? Number(parsed.port) : secure ? 443 : 80,
    secure,
    host: parsed.host,
    resource,
    location: `${parsed.protocol}//${parsed.host}${resource}`,
  };
}

const HANDSHAKE_HEADERS: ReadonlySet<string> = new Set([
  'upgrade',
  'connection',
  'host',
  'origin',
  'sec-websocket-key1',
  'sec-websocket-key2',
]);

/** What the caller adds to a handshake request. */
export type HixieRequestOptions = RequestOptions;

/** Checks the caller's origin and headers before anything is sent; throws `invalid_options`. */
export function checkHixieRequestOptions(options: HixieRequestOptions): void {
  checkRequestOptions(options, HANDSHAKE_HEADERS, (message) => {
    return new HixieError('invalid_options', message);
  });
}

/**
 * The request bytes: draft-75's fixed opening lines (GET, Upgrade, Connection, Host, Origin in
 * that order, which draft-76 servers also accept), the challenge headers, the caller's headers,
 * then the challenge body.
 */
export function createHixieRequest(
  target: Pick<HixieTarget, 'host' | 'resource'>,
  options: HixieRequestOptions,
  challenge: HixieChallenge,
): Buffer {
  checkHixieRequestOptions(options);
  const lines = [
    `GET ${target.resource} HTTP/1.1`,
    'Upgrade: WebSocket',
    'Connection: Upgrade',
    `Host: ${target.host}`,
  ];
  if (options.origin !== undefined) lines.push(`Origin: ${options.origin}`);
  for (const [name, value] of challenge.headers) lines.push(`${name}: ${value}`);
  for (const [name, value] of Object.entries(options.headers ?? {}))
    lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([head, challenge.body]);
}

/** A complete handshake response. */
export interface HixieResponse {
  /** The status code, always 101 (other codes are rejected while reading). */
  readonly status: number;
  /** Response headers, names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  /** The bytes after the headers that answer the challenge (empty for draft-75). */
  readonly answer: Buffer;
  /** Bytes that arrived after the handshake: the first frames. */
  readonly rest: Buffer;
}

const HEAD_END = '\r\n\r\n';
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/;

function parseHeaders(lines: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HixieError('bad_response', `malformed response header: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    // A repeated field would make the checks in verifyHixieResponse ambiguous.
    if (headers.has(name)) throw new HixieError('bad_response', `repeated header: ${name}`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** Reads a handshake response from chunks of any size, down to one byte. */
export class HixieResponseReader {
  readonly #answerLength: number;
  #buffer: Buffer = Buffer.alloc(0);
  #statusChecked = false;
  #head: { status: number; headers: Map<string, string>; length: number } | undefined;

  constructor(answerLength: number) {
    this.#answerLength = answerLength;
  }

  /**
   * Adds a chunk; returns the response once headers and answer are complete, else null.
   * Throws `bad_status` (with `status`) as soon as the status line is not `101`, and
   * `bad_response` on a malformed or oversized head.
   */
  push(chunk: Buffer): HixieResponse | null {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    if (!this.#statusChecked) this.#checkStatusLine();
    this.#head ??= this.#readHead();
    const head = this.#head;
    if (!head || this.#buffer.length < head.length + this.#answerLength) return null;
    const answerEnd = head.length + this.#answerLength;
    return {
      status: head.status,
      headers: head.headers,
      answer: this.#buffer.subarray(head.length, answerEnd),
      rest: this.#buffer.subarray(answerEnd),
    };
  }

  #checkStatusLine(): void {
    const lineEnd = this.#buffer.indexOf('\r\n');
    if (lineEnd === -1) {
      this.#checkHeadSize(this.#buffer.length);
      return;
    }
    const line = this.#buffer.toString('latin1', 0, lineEnd);
    const match = STATUS_LINE.exec(line);
    if (!match) throw new HixieError('bad_response', `not an HTTP response: ${line.slice(0, 80)}`);
    const status = Number(match[1]);
    if (status !== 101) {
      throw new HixieError('bad_status', `server answered ${line.slice(9, 89)}, not 101`, status);
    }
    this.#statusChecked = true;
  }

  #readHead(): { status: number; headers: Map<string, string>; length: number } | undefined {
    if (!this.#statusChecked) return undefined;
    const end = this.#buffer.indexOf(HEAD_END);
    this.#checkHeadSize(end === -1 ? this.#buffer.length : end);
    if (end === -1) return undefined;
    const [, ...headerLines] = this.#buffer.toString('latin1', 0, end).split('\r\n');
    return { status: 101, headers: parseHeaders(headerLines), length: end + HEAD_END.length };
  }

  #checkHeadSize(length: number): void {
    if (length > HIXIE_MAX_RESPONSE_HEAD_BYTES) {
      throw new HixieError(
        'bad_response',
        `response head exceeds ${HIXIE_MAX_RESPONSE_HEAD_BYTES} bytes`,
      );
    }
  }
}

function expectHeader(
  headers: ReadonlyMap<string, string>,
  name: string,
  accepts: (value: string) => boolean,
  expected: string,
): void {
  const value = headers.get(name);
  if (value === undefined) throw new HixieError('bad_response', `response has no ${name} header`);
  if (!accepts(value)) {
    throw new HixieError('bad_response', `response ${name} is ${value}, expected ${expected}`);
  }
}

const equalsIgnoringCase = (expected: string) => (value: string) =>
  value.toLowerCase() === expected.toLowerCase();

/**
 * Checks a `101` response against what was asked: `Upgrade: WebSocket` and
 * `Connection: Upgrade` (compared without case, as servers differ), the location header equal
 * to the URL, the echoed origin when one was sent, and draft-76's answer. Throws on a mismatch.
 */
export function verifyHixieResponse(
  response: HixieResponse,
  draft: HixieDraft,
  target: HixieTarget,
  origin: string | undefined,
  challenge: HixieChallenge,
): void {
  const rules = HIXIE_DRAFT_RULES[draft];
  const { headers } = response;
  expectHeader(headers, 'upgrade', equalsIgnoringCase('WebSocket'), 'WebSocket');
  expectHeader(headers, 'connection', equalsIgnoringCase('Upgrade'), 'Upgrade');
  expectHeader(headers, rules.locationHeader, (v) => v === target.location, target.location);
  if (origin !== undefined) expectHeader(headers, rules.originHeader, (v) => v === origin, origin);
  if (!response.answer.equals(challenge.expectedAnswer)) {
    throw new HixieError('bad_answer', 'server answered the draft-76 key challenge wrongly');
  }
}
