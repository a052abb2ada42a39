/**
 * fast-check generators of upgrade requests for the handshake fuzz tests: valid requests of
 * every protocol, then mutated (headers dropped, duplicated, re-cased, replaced with random,
 * non-ASCII or huge values, methods, targets and HTTP versions changed, bytes cut off), and
 * draft-76 keys broken in every way §5.2 cares about.
 *
 * The draft-76 oracle here is written from the spec again, on purpose without the router's
 * parser: digits and spaces of the value as an HTTP parser hands it over (trimmed, latin1),
 * the number as a BigInt so that nothing past 2^53 is rounded, printable ASCII only.
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DRAFT76_EXAMPLE } from '../testing/index.js';
import type { HandshakeCase } from './handshake-exchange.js';

/** One header line as written: name and value, duplicates allowed. */
export type HeaderPair = readonly [string, string];

/** A request before it is turned into bytes. */
export interface RequestModel {
  readonly method: string;
  readonly target: string;
  readonly httpVersion: string;
  readonly headers: readonly HeaderPair[];
  /** Bytes after the head: hixie-76's key3. */
  readonly body: Buffer;
  /** Cut the serialized request to this many bytes (a request that never finishes). */
  readonly truncateAt?: number;
  /** Where to split the bytes into separate writes, as fractions of the length. */
  readonly splits: readonly number[];
}

/** The protocols a valid request can speak. */
export const WEBSOCKET_PROTOCOLS = [
  'rfc6455',
  'hybi-08',
  'hybi-07',
  'hixie-76',
  'hixie-75',
] as const;

/** One protocol a generated request starts from before it is mutated. */
export type WebSocketProtocol = (typeof WEBSOCKET_PROTOCOLS)[number];

/** A valid request of each protocol the router serves. */
export function validRequest(
  protocol: WebSocketProtocol,
  host: string,
  hybiKey: Uint8Array = randomBytes(16),
): RequestModel {
  const base = { method: 'GET', target: '/ws', httpVersion: 'HTTP/1.1', splits: [] };
  const common: HeaderPair[] = [
    ['Host', host],
    ['Upgrade', protocol.startsWith('hixie') ? 'WebSocket' : 'websocket'],
    ['Connection', 'Upgrade'],
  ];
  if (protocol === 'hixie-76') {
    return {
      ...base,
      headers: [
        ...common,
        ['Sec-WebSocket-Key1', DRAFT76_EXAMPLE.key1],
        ['Sec-WebSocket-Key2', DRAFT76_EXAMPLE.key2],
        ['Origin', 'http://allowed.example'],
      ],
      body: DRAFT76_EXAMPLE.key3,
    };
  }
  if (protocol === 'hixie-75') return { ...base, headers: common, body: Buffer.alloc(0) };
  const version = { rfc6455: '13', 'hybi-08': '8', 'hybi-07': '7' }[protocol];
  return {
    ...base,
    headers: [
      ...common,
      ['Sec-WebSocket-Key', Buffer.from(hybiKey).toString('base64')],
      ['Sec-WebSocket-Version', version],
    ],
    body: Buffer.alloc(0),
  };
}

// What an HTTP parser hands over: optional whitespace around a value is not part of it.
const trimOws = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '');

// Node joins repeated headers it has no special rule for with ", ".
function headerValue(headers: readonly HeaderPair[], name: string): string | undefined {
  const values = headers
    .filter(([n]) => n.toLowerCase() === name)
    .map(([, value]) => trimOws(Buffer.from(value, 'utf8').toString('latin1')));
  return values.length === 0 ? undefined : values.join(', ');
}

/** The 32-bit part a draft-76 key carries (§5.2 steps 1-4), or undefined when it is broken. */
export function draft76Part(key: string): number | undefined {
  if (![...key].every((c) => c >= ' ' && c <= '~')) return undefined;
  const digits = key.replace(/[^0-9]/g, '');
  const spaces = key.split('').filter((c) => c === ' ').length;
  if (digits === '' || spaces === 0) return undefined;
  const number = BigInt(digits);
  if (number > 0xffff_ffffn || number % BigInt(spaces) !== 0n) return undefined;
  return Number(number / BigInt(spaces));
}

/** The MD5 answer of §5.2 step 6-7 for two parts and key3. */
export function draft76Answer(part1: number, part2: number, key3: Buffer): Buffer {
  const challenge = Buffer.alloc(16);
  challenge.writeUInt32BE(part1, 0);
  challenge.writeUInt32BE(part2, 4);
  key3.copy(challenge, 8, 0, 8);
  return createHash('md5').update(challenge).digest();
}

/** Serializes a request model into the writes of one handshake case. */
export function toCase(model: RequestModel): HandshakeCase {
  const head = [
    `${model.method} ${model.target} ${model.httpVersion}`,
    ...model.headers.map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  let bytes = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'utf8'), model.body]);
  if (model.truncateAt !== undefined) bytes = bytes.subarray(0, model.truncateAt);
  const cuts = [...new Set(model.splits.map((f) => Math.floor(f * bytes.length)))]
    .filter((cut) => cut > 0 && cut < bytes.length)
    .sort((a, b) => a - b);
  const chunks = [0, ...cuts].map((from, i) => bytes.subarray(from, cuts[i] ?? bytes.length));

  const hybiKeys = model.headers
    .filter(([name]) => name.toLowerCase() === 'sec-websocket-key')
    .map(([, value]) => trimOws(value));
  const key1 = headerValue(model.headers, 'sec-websocket-key1');
  const key2 = headerValue(model.headers, 'sec-websocket-key2');
  const part1 = key1 === undefined ? undefined : draft76Part(key1);
  const part2 = key2 === undefined ? undefined : draft76Part(key2);
  const headLength = Buffer.byteLength(`${head}\r\n\r\n`);
  const key3 = bytes.subarray(headLength, headLength + 8);
  const answer =
    part1 !== undefined && part2 !== undefined && key3.length === 8
      ? draft76Answer(part1, part2, key3)
      : undefined;
  return { chunks, hybiKeys, ...(answer === undefined ? {} : { draft76Answer: answer }) };
}

const HEADER_NAMES = [
  'Host',
  'Upgrade',
  'Connection',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Version',
  'Sec-WebSocket-Key1',
  'Sec-WebSocket-Key2',
  'Origin',
  'Sec-WebSocket-Origin',
  'Sec-WebSocket-Protocol',
  'Sec-WebSocket-Extensions',
  'Content-Length',
  'Transfer-Encoding',
  'X-Draftbridge-Relay',
] as const;

const VALUE_WORDS = [
  '',
  ' ',
  'websocket',
  'WebSocket',
  'WEBSOCKET',
  'Upgrade',
  'keep-alive, Upgrade',
  'close',
  '13',
  '8',
  '7',
  '0',
  '-1',
  '13, 8',
  'http://allowed.example',
  'http://evil.example',
  'null',
  'chat, superchat',
  'permessage-deflate; client_max_window_bits',
  'x; y=";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;',
  'chunked',
  '8',
  '4294967296',
  'dGhlIHNhbXBsZSBub25jZQ==',
] as const;

// Header values as they might arrive: printable, any Unicode (sent as UTF-8, read as latin1),
// control characters (never CR or LF: that would be a different request), or huge.
const headerValueArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...VALUE_WORDS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)) })
      .map((s) => s.replace(/[\r\n]/g, '')),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 40_000 }).map((n) => 'x'.repeat(n)) },
);

const headerNameArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HEADER_NAMES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,24}$/) },
);

const recase = (text: string, seed: number) =>
  [...text].map((c, i) => ((seed >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

/** One change to a request. */
type Mutation = (model: RequestModel) => RequestModel;

const pick = <T>(items: readonly T[], index: number): number =>
  items.length === 0 ? 0 : index % items.length;

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (i): Mutation =>
      (m) => ({
        ...m,
        headers: m.headers.filter((_, j) => j !== pick(m.headers, i)),
      }),
  ),
  fc.tuple(fc.nat(), fc.option(headerValueArb)).map(
    ([i, value]): Mutation =>
      (m) => {
        const original = m.headers[pick(m.headers, i)];
        if (original === undefined) return m;
        return { ...m, headers: [...m.headers, [original[0], value ?? original[1]]] };
      },
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.boolean()).map(
    ([i, seed, name]): Mutation =>
      (m) => ({
        ...m,
        headers: m.headers.map((h, j) =>
          j === pick(m.headers, i)
            ? name
              ? [recase(h[0], seed), h[1]]
              : [h[0], recase(h[1], seed)]
            : h,
        ),
      }),
  ),
  fc.tuple(fc.nat(), headerValueArb).map(
    ([i, value]): Mutation =>
      (m) => ({
        ...m,
        headers: m.headers.map((h, j) => (j === pick(m.headers, i) ? [h[0], value] : h)),
      }),
  ),
  fc.tuple(headerNameArb, headerValueArb).map(
    ([name, value]): Mutation =>
      (m) => ({
        ...m,
        headers: [...m.headers, [name, value]],
      }),
  ),
  fc.constantFrom('POST', 'HEAD', 'PUT', 'get', 'OPTIONS', 'CONNECT', 'G E T', 'GET\t').map(
    (method): Mutation =>
      (m) => ({ ...m, method }),
  ),
  fc
    .oneof(
      fc.constantFrom(
        '/ws?engine=faye-websocket',
        '/ws?engine=websocket',
        '/ws?engine=nope',
        '/WS',
        '/ws/',
        '//ws',
        '*',
        'http://127.0.0.1/ws',
        '/ws#frag',
        '/%77s',
        '/ws?%zz',
        '/relay?draft=76',
      ),
      fc.string({ maxLength: 30 }).map((s) => `/${s.replace(/\s/g, '')}`),
      fc.integer({ min: 5000, max: 20_000 }).map((n) => `/ws?${'a'.repeat(n)}`),
    )
    .map(
      (target): Mutation =>
        (m) => ({ ...m, target }),
    ),
  fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1 junk', 'http/1.1', 'HTTP/1.12').map(
    (httpVersion): Mutation =>
      (m) => ({ ...m, httpVersion }),
  ),
  fc.integer({ min: 0, max: 8 }).map(
    (length): Mutation =>
      (m) => ({
        ...m,
        body: m.body.subarray(0, length),
      }),
  ),
  fc.double({ min: 0, max: 1, noNaN: true }).map(
    (fraction): Mutation =>
      (m) => {
        const total = toCase(m).chunks.reduce((sum, c) => sum + c.length, 0);
        return { ...m, truncateAt: Math.floor(fraction * total) };
      },
  ),
);

/** A valid request of a random protocol with up to five mutations and random write splits. */
export function mutatedRequestArb(host: string): fc.Arbitrary<RequestModel> {
  return fc
    .tuple(
      fc.constantFrom(...WEBSOCKET_PROTOCOLS),
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.array(mutationArb, { minLength: 0, maxLength: 5 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
    )
    .map(([protocol, key, mutations, splits]) =>
      mutations.reduce<RequestModel>((model, mutate) => mutate(model), {
        ...validRequest(protocol, host, key),
        splits,
      }),
    );
}

// Characters §4.1 step 20 inserts, plus non-ASCII and tabs that no draft-76 client writes.
const keyNoiseArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'!"#$%&\'()*+,-./:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~') },
  { weight: 1, arbitrary: fc.constantFrom('é', 'Ω', '😀', '\u00a0', '\t', '٣') },
);

function interleave(digits: string, spaces: number, noise: readonly string[], seed: number) {
  let key = digits;
  const insert = (c: string, at: number) => {
    key = key.slice(0, at) + c + key.slice(at);
  };
  noise.forEach((c, i) => {
    insert(c, (seed * (i + 7)) % (key.length + 1));
  });
  // Spaces never first or last: an HTTP parser trims those, and §4.1 step 21 forbids them.
  for (let i = 0; i < spaces; i += 1)
    insert(' ', 1 + ((seed * (i + 3)) % Math.max(1, key.length - 1)));
  return key;
}

/** A draft-76 key: valid, or broken in one of the ways the issue lists. */
export const draft76KeyArb: fc.Arbitrary<string> = fc.oneof(
  // Valid (unless the noise is not ASCII): part * spaces fits 32 bits. Half of all keys.
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.array(keyNoiseArb, { maxLength: 12 }),
        fc.nat(),
      )
      .map(([spaces, n, noise, seed]) => {
        const part = n % Math.floor(0xffff_ffff / spaces + 1);
        return interleave(String(part * spaces), spaces, noise, seed);
      }),
  },
  // Zero spaces.
  fc
    .tuple(fc.nat(), fc.array(keyNoiseArb, { maxLength: 6 }), fc.nat())
    .map(([n, noise, seed]) => interleave(String(n), 0, noise, seed)),
  // No digits.
  fc
    .tuple(
      fc.integer({ min: 1, max: 12 }),
      fc.array(keyNoiseArb, { minLength: 2, maxLength: 12 }),
      fc.nat(),
    )
    .map(([spaces, noise, seed]) => interleave('', spaces, noise, seed)),
  // Overflow: a product past 2^32, up to far past 2^53.
  fc
    .tuple(
      fc.integer({ min: 1, max: 12 }),
      fc.bigInt({ min: 2n ** 32n, max: 10n ** 20n }),
      fc.nat(),
    )
    .map(([spaces, n, seed]) => interleave(String(n - (n % BigInt(spaces))), spaces, [], seed)),
  // Not a multiple of its spaces, or leading zeros.
  fc
    .tuple(fc.integer({ min: 2, max: 12 }), fc.nat({ max: 1_000_000 }), fc.nat())
    .map(([spaces, n, seed]) => interleave(String(n * spaces + 1), spaces, [], seed)),
  fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.nat({ max: 1000 }), fc.nat())
    .map(([spaces, n, seed]) => interleave(`000000000000${n * spaces}`, spaces, [], seed)),
);

/** A hixie-76 request with two generated keys and a key3 of 0 to 8 bytes. */
export function draft76RequestArb(host: string): fc.Arbitrary<RequestModel> {
  return fc
    .tuple(
      draft76KeyArb,
      draft76KeyArb,
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([key1, key2, key3, cut, truncated]) => ({
      method: 'GET',
      target: '/ws',
      httpVersion: 'HTTP/1.1',
      headers: [
        ['Host', host],
        ['Connection', 'Upgrade'],
        ['Upgrade', 'WebSocket'],
        ['Sec-WebSocket-Key1', key1],
        ['Sec-WebSocket-Key2', key2],
      ],
      // One in four truncated: each costs a handshake timeout.
      body: Buffer.from(truncated === 0 ? key3.subarray(0, cut) : key3),
      splits: [],
    }));
}
