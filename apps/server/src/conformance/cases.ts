/**
 * The conformance cases, by Autobahn|Testsuite's categories and numbering where a case is one of
 * its own (1 framing, 2 ping/pong, 3 reserved bits, 4 reserved opcodes, 5 fragmentation, 6 UTF-8,
 * 7 close, 9 large messages), rewritten for a chat server: where Autobahn expects an echo, the
 * chat's answer is expected instead. A text message that is a `ping` object is answered by a
 * `pong` with the same `t` (extra fields are ignored: `pad` sizes a message); valid UTF-8 that
 * is not JSON gets `error` `bad_json`; a binary message gets `error` `binary_unsupported`. Every
 * expectation is the RFC's (section in the case), never what an engine happens to do.
 */
import { clientFrame } from '@draftbridge/protocol-router/testing';

/** What the server must do, checked together when a case has several. */
export type Expectation =
  /** A JSON answer of this type (and code, or `t`), the connection left open. */
  | {
      readonly kind: 'answer';
      readonly type: 'pong' | 'error';
      readonly code?: string;
      readonly t?: string;
    }
  /** A pong frame whose payload is this; with `last`, the last pong frame carries it. */
  | { readonly kind: 'pong-frame'; readonly payload: Buffer; readonly last?: boolean }
  /** Only a Close with one of these codes (undefined: no code), then the end of TCP by FIN. */
  | { readonly kind: 'close'; readonly codes: readonly (number | undefined)[] }
  /** `pong`s with exactly these `t`, in this order, the connection left open. */
  | { readonly kind: 'pongs-in-order'; readonly ts: readonly string[] }
  /** Nothing at all in answer, the connection left open. */
  | { readonly kind: 'silent' };

/** One step of a case: bytes to write, or a pause (so that the server reads what came first). */
export type Step = Buffer | { readonly waitMs: number };

/** One case. */
export interface ConformanceCase {
  /** Autobahn's number where the case is one of its own; ours follow within its category. */
  readonly id: string;
  readonly title: string;
  readonly steps: readonly Step[];
  readonly expect: readonly Expectation[];
}

/** The limit the suite's server runs with: the contract's default (docs/PROTOCOL.md). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Most fragments in one message, the contract's default. */
export const MAX_FRAGMENTS = 1024;

const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa };

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const bytes = (...values: number[]) => Buffer.from(values);
const frame = (opcode: number, payload: Buffer, fin = true, rsv = 0) =>
  clientFrame(opcode, payload, { fin, rsv });
const text = (payload: Buffer | string) => frame(OP.text, Buffer.from(payload));

/** A `ping` message of exactly `size` bytes (at least its fields' own), `t` naming the case. */
function pingOfSize(t: string, size: number): Buffer {
  const bare = `{"type":"ping","t":"${t}","pad":""}`;
  const pad = Math.max(0, size - Buffer.byteLength(bare));
  return utf8(`{"type":"ping","t":"${t}","pad":"${'a'.repeat(pad)}"}`);
}

const ping = (t: string) => utf8(JSON.stringify({ type: 'ping', t }));
const pong = (t: string): Expectation => ({ kind: 'answer', type: 'pong', t });
const error = (code: string): Expectation => ({ kind: 'answer', type: 'error', code });
const closeWith = (...codes: (number | undefined)[]): Expectation => ({
  kind: 'close',
  codes: [...new Set(codes)],
});
const PROTOCOL_ERROR = closeWith(1002);
const INVALID_PAYLOAD = closeWith(1007);

/** Splits `payload` into fragments of `size` bytes: a text (or binary) frame, continuations. */
function fragments(opcode: number, payload: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < payload.length || parts.length === 0; at += size) {
    const last = at + size >= payload.length;
    parts.push(
      frame(parts.length === 0 ? opcode : OP.continuation, payload.subarray(at, at + size), last),
    );
  }
  return parts;
}

const closeFrame = (code: number, reason: Buffer = Buffer.alloc(0)) => {
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code, 0);
  reason.copy(payload, 2);
  return frame(OP.close, payload);
};

function framing(): ConformanceCase[] {
  // §5.2: payload lengths in 7 bits, 16 bits (126) and 64 bits (127), up to the limit.
  const sizes = [125, 126, 127, 128, 65535, MAX_MESSAGE_BYTES];
  const cases: ConformanceCase[] = [
    {
      id: '1.1.1',
      title: 'text message of 0 bytes (valid UTF-8, not JSON)',
      steps: [text('')],
      expect: [error('bad_json')],
    },
  ];
  sizes.forEach((size, i) => {
    const t = `1.1.${i + 2}`;
    cases.push({
      id: t,
      title: `text ping of ${size} bytes`,
      steps: [text(pingOfSize(t, size))],
      expect: [pong(t)],
    });
  });
  cases.push({
    id: '1.1.9',
    title: `text message of ${MAX_MESSAGE_BYTES + 1} bytes, past the limit`,
    steps: [text(pingOfSize('1.1.9', MAX_MESSAGE_BYTES + 1))],
    expect: [closeWith(1009)],
  });
  [0, 125, 126, 65535, MAX_MESSAGE_BYTES].forEach((size, i) => {
    cases.push({
      id: `1.2.${i + 1}`,
      title: `binary message of ${size} bytes`,
      steps: [frame(OP.binary, Buffer.alloc(size, 0xfe))],
      expect: [error('binary_unsupported')],
    });
  });
  cases.push({
    id: '1.2.9',
    title: `binary message of ${MAX_MESSAGE_BYTES + 1} bytes, past the limit`,
    steps: [frame(OP.binary, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0xfe))],
    expect: [closeWith(1009)],
  });
  return cases;
}

function pingPong(): ConformanceCase[] {
  const binary = Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]);
  return [
    {
      id: '2.1',
      title: 'ping without payload (§5.5.2)',
      steps: [frame(OP.ping, Buffer.alloc(0))],
      expect: [{ kind: 'pong-frame', payload: Buffer.alloc(0) }],
    },
    {
      id: '2.2',
      title: 'ping with a small text payload',
      steps: [frame(OP.ping, utf8('Hello, world!'))],
      expect: [{ kind: 'pong-frame', payload: utf8('Hello, world!') }],
    },
    {
      id: '2.3',
      title: 'ping with a small binary payload',
      steps: [frame(OP.ping, binary)],
      expect: [{ kind: 'pong-frame', payload: binary }],
    },
    {
      id: '2.4',
      title: 'ping with a payload of 125 bytes',
      steps: [frame(OP.ping, Buffer.alloc(125, 0xfe))],
      expect: [{ kind: 'pong-frame', payload: Buffer.alloc(125, 0xfe) }],
    },
    {
      id: '2.5',
      title: 'ping with a payload of 126 bytes (§5.5: control frames carry 125 at most)',
      steps: [frame(OP.ping, Buffer.alloc(126, 0xfe))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '2.6',
      title: 'unsolicited pong without payload (§5.5.3: no answer)',
      steps: [frame(OP.pong, Buffer.alloc(0))],
      expect: [{ kind: 'silent' }],
    },
    {
      id: '2.7',
      title: 'unsolicited pong with payload',
      steps: [frame(OP.pong, utf8('unsolicited'))],
      expect: [{ kind: 'silent' }],
    },
    {
      id: '2.8',
      title: 'unsolicited pong, then a ping: the pong answers the ping',
      steps: [frame(OP.pong, utf8('unsolicited')), frame(OP.ping, utf8('solicited'))],
      expect: [{ kind: 'pong-frame', payload: utf8('solicited') }],
    },
    {
      id: '2.9',
      title: '10 pings at once: the last pong answers the latest (§5.5.3 lets earlier go)',
      steps: [
        Buffer.concat(Array.from({ length: 10 }, (_, i) => frame(OP.ping, utf8(`ping ${i}`)))),
      ],
      expect: [{ kind: 'pong-frame', payload: utf8('ping 9'), last: true }],
    },
    {
      id: '2.10',
      title: 'a ping and a text ping in one write: both answered',
      steps: [Buffer.concat([frame(OP.ping, utf8('frame')), text(ping('2.10'))])],
      expect: [{ kind: 'pong-frame', payload: utf8('frame') }, pong('2.10')],
    },
  ];
}

function reservedBits(): ConformanceCase[] {
  // §5.2: "MUST be 0 unless an extension is negotiated"; none is.
  return [
    {
      id: '3.1',
      title: 'RSV1 on a text ping',
      steps: [frame(OP.text, ping('3.1'), true, 0b100)],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '3.2',
      title: 'a valid text ping, then RSV2 on one: the first answered, then 1002',
      steps: [text(ping('3.2')), frame(OP.text, ping('3.2b'), true, 0b010)],
      expect: [pong('3.2'), PROTOCOL_ERROR],
    },
    {
      id: '3.3',
      title: 'RSV1 and RSV2 on a text ping',
      steps: [frame(OP.text, ping('3.3'), true, 0b110)],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '3.4',
      title: 'RSV3 on a text ping',
      steps: [frame(OP.text, ping('3.4'), true, 0b001)],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '3.5',
      title: 'RSV1 and RSV3 on a binary message',
      steps: [frame(OP.binary, bytes(1, 2, 3), true, 0b101)],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '3.6',
      title: 'RSV2 and RSV3 on a ping',
      steps: [frame(OP.ping, utf8('x'), true, 0b011)],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '3.7',
      title: 'all three RSV bits on a Close',
      steps: [frame(OP.close, bytes(0x03, 0xe8), true, 0b111)],
      expect: [PROTOCOL_ERROR],
    },
  ];
}

function reservedOpcodes(): ConformanceCase[] {
  // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket
  // Connection_"; §7.4.1: 1002.
  const cases: ConformanceCase[] = [];
  [3, 4, 5, 6, 7].forEach((opcode, i) => {
    cases.push({
      id: `4.1.${i + 1}`,
      title: `non-control opcode ${opcode}${i === 1 ? ', after a valid text ping' : ''}`,
      steps: i === 1 ? [text(ping('4.1.2')), frame(opcode, utf8('x'))] : [frame(opcode, utf8('x'))],
      expect: i === 1 ? [pong('4.1.2'), PROTOCOL_ERROR] : [PROTOCOL_ERROR],
    });
  });
  [0xb, 0xc, 0xd, 0xe, 0xf].forEach((opcode, i) => {
    cases.push({
      id: `4.2.${i + 1}`,
      title: `control opcode 0x${opcode.toString(16).toUpperCase()}`,
      steps: [frame(opcode, utf8('x'))],
      expect: [PROTOCOL_ERROR],
    });
  });
  return cases;
}

function fragmentation(): ConformanceCase[] {
  const inTwo = (payload: Buffer) => fragments(OP.text, payload, Math.ceil(payload.length / 2));
  return [
    {
      id: '5.1',
      title: 'a ping in 2 fragments (§5.5: control frames are never fragmented)',
      steps: [frame(OP.ping, utf8('frag'), false), frame(OP.continuation, utf8('ment'))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '5.2',
      title: 'a pong in 2 fragments',
      steps: [frame(OP.pong, utf8('frag'), false), frame(OP.continuation, utf8('ment'))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '5.3',
      title: 'a text ping in 2 fragments (§5.4)',
      steps: inTwo(ping('5.3')),
      expect: [pong('5.3')],
    },
    {
      id: '5.6',
      title: 'a text ping in 2 fragments with a ping frame between them (§5.4: allowed)',
      steps: (() => {
        const [first, second] = inTwo(ping('5.6'));
        return [first as Buffer, frame(OP.ping, utf8('between')), second as Buffer];
      })(),
      expect: [{ kind: 'pong-frame', payload: utf8('between') }, pong('5.6')],
    },
    {
      id: '5.9',
      title: 'a continuation that starts nothing, FIN set',
      steps: [frame(OP.continuation, utf8('x')), text(ping('5.9'))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '5.10',
      title: 'a continuation that starts nothing, FIN clear',
      steps: [frame(OP.continuation, utf8('x'), false), frame(OP.continuation, utf8('y'))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '5.15',
      title: 'a second text message begun before the first ended',
      steps: [frame(OP.text, utf8('{"ty'), false), frame(OP.text, utf8('{"ty'), false)],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '5.19',
      title: 'a text ping in 1-byte fragments',
      steps: [Buffer.concat(fragments(OP.text, ping('5.19'), 1))],
      expect: [pong('5.19')],
    },
    {
      id: '5.20',
      title: 'a text ping in 1-byte fragments, each written on its own',
      steps: fragments(OP.text, ping('5.20'), 1).flatMap((part) => [part, { waitMs: 1 }]),
      expect: [pong('5.20')],
    },
    {
      id: '5.21',
      title: 'a binary message in 3 fragments',
      steps: fragments(OP.binary, Buffer.alloc(300, 1), 100),
      expect: [error('binary_unsupported')],
    },
    {
      id: '5.22',
      title: `a text ping in ${MAX_FRAGMENTS} fragments (the contract's most)`,
      steps: [Buffer.concat(fragments(OP.text, pingOfSize('5.22', MAX_FRAGMENTS * 8), 8))],
      expect: [pong('5.22')],
    },
    {
      id: '5.23',
      title: `a text message in ${MAX_FRAGMENTS + 1} fragments (contract: 1008)`,
      steps: [Buffer.concat(fragments(OP.text, pingOfSize('5.23', (MAX_FRAGMENTS + 1) * 8), 8))],
      expect: [closeWith(1008)],
    },
    {
      id: '5.24',
      title: 'fragments that add up past the limit (contract: 1009)',
      steps: fragments(OP.text, pingOfSize('5.24', MAX_MESSAGE_BYTES + 100), 16 * 1024),
      expect: [closeWith(1009)],
    },
  ];
}

// Texts that are valid UTF-8 but not JSON are answered with bad_json: decoded, then parsed.
const VALID_UTF8: readonly (readonly [string, Buffer])[] = [
  ['ASCII', utf8('Hello-µ@ßöäüàá-UTF-8!!')],
  ['Greek κόσμε', utf8('κόσμε')],
  ['first 2-byte sequence U+0080', bytes(0xc2, 0x80)],
  ['first 3-byte sequence U+0800', bytes(0xe0, 0xa0, 0x80)],
  ['first 4-byte sequence U+10000', bytes(0xf0, 0x90, 0x80, 0x80)],
  ['last 1-byte sequence U+007F', bytes(0x7f)],
  ['last 2-byte sequence U+07FF', bytes(0xdf, 0xbf)],
  ['last 3-byte sequence U+FFFF', bytes(0xef, 0xbf, 0xbf)],
  ['last code point U+10FFFF', bytes(0xf4, 0x8f, 0xbf, 0xbf)],
  ['U+D7FF, below the surrogates', bytes(0xed, 0x9f, 0xbf)],
  ['U+E000, above the surrogates', bytes(0xee, 0x80, 0x80)],
  ['U+FFFD itself', bytes(0xef, 0xbf, 0xbd)],
  ['noncharacter U+FFFE', bytes(0xef, 0xbf, 0xbe)],
  ['noncharacter U+10FFFE', bytes(0xf4, 0x8f, 0xbf, 0xbe)],
];

// §8.1: "MUST _Fail the WebSocket Connection_" (1007) on text that is not UTF-8.
const INVALID_UTF8: readonly (readonly [string, Buffer])[] = [
  ['5-byte sequence (not UTF-8 since RFC 3629)', bytes(0xf8, 0x88, 0x80, 0x80, 0x80)],
  ['6-byte sequence', bytes(0xfc, 0x84, 0x80, 0x80, 0x80, 0x80)],
  ['past U+10FFFF: U+110000', bytes(0xf4, 0x90, 0x80, 0x80)],
  ['past U+10FFFF: F7 BF BF BF', bytes(0xf7, 0xbf, 0xbf, 0xbf)],
  ['a lone continuation byte 80', bytes(0x80)],
  ['a lone continuation byte BF', bytes(0xbf)],
  ['a lonely start byte C0 then space', bytes(0xc0, 0x20)],
  ['a lonely start byte E0 then space', bytes(0xe0, 0x20)],
  ['a 3-byte sequence missing its last byte', bytes(0xe0, 0x80)],
  ['a 4-byte sequence missing its last byte', bytes(0xf0, 0x80, 0x80)],
  ['the impossible byte FE', bytes(0xfe)],
  ['the impossible byte FF', bytes(0xff)],
  ['overlong "/" in 2 bytes', bytes(0xc0, 0xaf)],
  ['overlong "/" in 3 bytes', bytes(0xe0, 0x80, 0xaf)],
  ['overlong "/" in 4 bytes', bytes(0xf0, 0x80, 0x80, 0xaf)],
  ['largest overlong 2-byte C1 BF', bytes(0xc1, 0xbf)],
  ['largest overlong 3-byte E0 9F BF', bytes(0xe0, 0x9f, 0xbf)],
  ['a high surrogate U+D800 (the finding: ED A0 80)', bytes(0xed, 0xa0, 0x80)],
  ['a low surrogate U+DFFF', bytes(0xed, 0xbf, 0xbf)],
  ['a surrogate pair written as UTF-8', bytes(0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80)],
];

function utf8Handling(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const greek = utf8('κόσμε');
  cases.push(
    {
      id: '6.1.1',
      title: 'valid text in fragments, the first and last empty',
      steps: [
        frame(OP.text, Buffer.alloc(0), false),
        frame(OP.continuation, ping('6.1.1'), false),
        frame(OP.continuation, Buffer.alloc(0)),
      ],
      expect: [pong('6.1.1')],
    },
    {
      id: '6.1.2',
      title: 'an empty text message in 3 empty fragments',
      steps: [
        frame(OP.text, Buffer.alloc(0), false),
        frame(OP.continuation, Buffer.alloc(0), false),
        frame(OP.continuation, Buffer.alloc(0)),
      ],
      expect: [error('bad_json')],
    },
    {
      id: '6.2.1',
      title: 'κόσμε in a ping, fragmented on code points',
      steps: [
        frame(OP.text, utf8('{"type":"ping","t":"κό'), false),
        frame(OP.continuation, utf8('σμ'), false),
        frame(OP.continuation, utf8('ε"}')),
      ],
      expect: [pong('κόσμε')],
    },
    {
      id: '6.2.2',
      title: 'κόσμε in a ping, fragmented inside code points',
      steps: (() => {
        const message = ping('κόσμε');
        const inside = message.indexOf(greek) + 1; // between the two bytes of κ
        return [
          frame(OP.text, message.subarray(0, inside), false),
          frame(OP.continuation, message.subarray(inside, inside + 3), false),
          frame(OP.continuation, message.subarray(inside + 3)),
        ];
      })(),
      expect: [pong('κόσμε')],
    },
    {
      id: '6.2.3',
      title: 'κόσμε in a ping, one byte a fragment',
      steps: [Buffer.concat(fragments(OP.text, ping('κόσμε'), 1))],
      expect: [pong('κόσμε')],
    },
    {
      id: '6.2.4',
      title: 'a 4-byte character (U+1D11E) split 1+3 between fragments',
      steps: (() => {
        const message = ping('𝄞');
        const at = message.indexOf(utf8('𝄞')) + 1;
        return [
          frame(OP.text, message.subarray(0, at), false),
          frame(OP.continuation, message.subarray(at)),
        ];
      })(),
      expect: [pong('𝄞')],
    },
    {
      id: '6.3.1',
      title: 'invalid UTF-8 in one frame',
      steps: [text(Buffer.concat([utf8('κόσμε'), bytes(0xed, 0xa0, 0x80), utf8('edited')]))],
      expect: [INVALID_PAYLOAD],
    },
    {
      id: '6.3.2',
      title: 'invalid UTF-8 in 1-byte fragments',
      steps: [
        Buffer.concat(
          fragments(
            OP.text,
            Buffer.concat([utf8('κόσμε'), bytes(0xed, 0xa0, 0x80), utf8('edited')]),
            1,
          ),
        ),
      ],
      expect: [INVALID_PAYLOAD],
    },
  );
  // 6.4: fail fast. The message never ends here: only a server that fails at the fragment that
  // holds the bad bytes closes (RFC 6455 §8.1 fails the connection once it is known).
  cases.push(
    {
      id: '6.4.1',
      title: 'fail fast: valid fragment, invalid fragment, the message left unfinished',
      steps: [
        frame(OP.text, utf8('κόσμε'), false),
        { waitMs: 20 },
        frame(OP.continuation, bytes(0xf4, 0x90, 0x80, 0x80), false),
      ],
      expect: [INVALID_PAYLOAD],
    },
    {
      id: '6.4.2',
      title: 'fail fast: the invalid bytes at the start of the second fragment, unfinished',
      steps: [
        frame(OP.text, utf8('{"type":"ping"'), false),
        frame(OP.continuation, bytes(0xed, 0xa0, 0x80, 0x20), false),
      ],
      expect: [INVALID_PAYLOAD],
    },
    {
      id: '6.4.3',
      title: 'one frame written in chops, the invalid bytes in the second (1007 by its end)',
      steps: (() => {
        const whole = text(
          Buffer.concat([utf8('κόσμε'), bytes(0xf4, 0x90, 0x80, 0x80), utf8('edited')]),
        );
        const a = 2 + 4 + 11; // header, mask, κόσμε
        return [
          whole.subarray(0, a),
          { waitMs: 20 },
          whole.subarray(a, a + 4),
          { waitMs: 20 },
          whole.subarray(a + 4),
        ];
      })(),
      expect: [INVALID_PAYLOAD],
    },
  );
  // 6.6: every prefix of κόσμε as a message: cut inside a character it is not UTF-8.
  for (let length = 1; length <= greek.length; length += 1) {
    const prefix = greek.subarray(0, length);
    const whole = Buffer.from(prefix.toString('utf8')).equals(prefix);
    cases.push({
      id: `6.6.${length}`,
      title: `the first ${length} byte${length > 1 ? 's' : ''} of κόσμε${whole ? '' : ' (cut inside a character)'}`,
      steps: [text(prefix)],
      expect: [whole ? error('bad_json') : INVALID_PAYLOAD],
    });
  }
  VALID_UTF8.forEach(([name, payload], i) => {
    cases.push({
      id: `6.7.${i + 1}`,
      title: `valid: ${name}`,
      steps: [text(payload)],
      expect: [error('bad_json')],
    });
  });
  INVALID_UTF8.forEach(([name, payload], i) => {
    cases.push({
      id: `6.8.${i + 1}`,
      title: `invalid: ${name}`,
      steps: [text(payload)],
      expect: [INVALID_PAYLOAD],
    });
  });
  return cases;
}

function closing(): ConformanceCase[] {
  const cases: ConformanceCase[] = [
    {
      id: '7.1.1',
      title: 'a Close with 1000: Close back, then the end (§5.5.1)',
      steps: [closeFrame(1000)],
      expect: [closeWith(1000)],
    },
    {
      id: '7.1.2',
      title: 'a Close without payload (§5.5.1: the body is optional)',
      steps: [frame(OP.close, Buffer.alloc(0))],
      expect: [closeWith(undefined, 1000)],
    },
    {
      id: '7.1.3',
      title: 'a Close, then a text ping: no answer after the Close (§5.5.1)',
      steps: [Buffer.concat([closeFrame(1000), text(ping('7.1.3'))])],
      expect: [closeWith(1000)],
    },
    {
      id: '7.1.4',
      title: 'two Closes: one Close back',
      steps: [Buffer.concat([closeFrame(1000), closeFrame(1001)])],
      expect: [closeWith(1000)],
    },
    {
      id: '7.1.5',
      title: 'a text fragment, then a Close before the message ends',
      steps: [Buffer.concat([frame(OP.text, utf8('{"type":'), false), closeFrame(1000)])],
      expect: [closeWith(1000)],
    },
    {
      id: '7.3.1',
      title: 'a Close with a 1-byte body (§5.5.1: a code is 2 bytes)',
      steps: [frame(OP.close, bytes(0x03))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '7.3.2',
      title: 'a Close with code 1000 and a 123-byte reason (the most that fits)',
      steps: [closeFrame(1000, Buffer.alloc(123, 0x2a))],
      expect: [closeWith(1000)],
    },
    {
      id: '7.3.3',
      title: 'a Close with code 1000 and a 124-byte reason (126 bytes: too long a control frame)',
      steps: [closeFrame(1000, Buffer.alloc(124, 0x2a))],
      expect: [PROTOCOL_ERROR],
    },
    {
      id: '7.5.1',
      title: 'a Close whose reason is not UTF-8 (§5.5.1, §8.1)',
      steps: [closeFrame(1000, Buffer.concat([utf8('κόσμε'), bytes(0xed, 0xa0, 0x80)]))],
      expect: [INVALID_PAYLOAD],
    },
  ];
  // §7.4.1 and §7.4.2: codes a peer may send; the answer typically echoes it (§5.5.1).
  const valid = [
    1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
  ];
  valid.forEach((code, i) => {
    cases.push({
      id: `7.7.${i + 1}`,
      title: `a Close with the valid code ${code}`,
      steps: [closeFrame(code)],
      expect: [closeWith(code, 1000)],
    });
  });
  // Codes no endpoint may send: 0-999, 1004-1006, 1015 (§7.4.1), 1016-2999 (§7.4.2), past 4999.
  const invalid = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
  invalid.forEach((code, i) => {
    cases.push({
      id: `7.9.${i + 1}`,
      title: `a Close with the invalid code ${code}`,
      steps: [closeFrame(code)],
      expect: [PROTOCOL_ERROR],
    });
  });
  return cases;
}

function largeMessages(): ConformanceCase[] {
  const big = (t: string) => pingOfSize(t, MAX_MESSAGE_BYTES);
  return [
    {
      id: '9.1.1',
      title: 'a text ping of 64 KiB in one frame',
      steps: [text(big('9.1.1'))],
      expect: [pong('9.1.1')],
    },
    {
      id: '9.1.2',
      title: 'a text ping of 64 KiB written in 1 KiB chops',
      steps: (() => {
        const whole = text(big('9.1.2'));
        const chops: Step[] = [];
        for (let at = 0; at < whole.length; at += 1024) chops.push(whole.subarray(at, at + 1024));
        return chops;
      })(),
      expect: [pong('9.1.2')],
    },
    {
      id: '9.2.1',
      title: 'a binary message of 64 KiB',
      steps: [frame(OP.binary, Buffer.alloc(MAX_MESSAGE_BYTES, 0xfe))],
      expect: [error('binary_unsupported')],
    },
    {
      id: '9.3.1',
      title: 'a text ping of 64 KiB in 64 fragments of 1 KiB',
      steps: [Buffer.concat(fragments(OP.text, big('9.3.1'), 1024))],
      expect: [pong('9.3.1')],
    },
    {
      id: '9.3.2',
      title: 'a text ping of 64 KiB in 16 fragments of 4 KiB',
      steps: fragments(OP.text, big('9.3.2'), 4096),
      expect: [pong('9.3.2')],
    },
    {
      id: '9.4.1',
      title: 'a binary message of 64 KiB in 16 fragments',
      steps: [Buffer.concat(fragments(OP.binary, Buffer.alloc(MAX_MESSAGE_BYTES, 0xfe), 4096))],
      expect: [error('binary_unsupported')],
    },
    {
      id: '9.5.1',
      title: '8 text pings of 8 KiB in one write, all answered in order',
      steps: [
        Buffer.concat(Array.from({ length: 8 }, (_, i) => text(pingOfSize(`9.5.1-${i}`, 8192)))),
      ],
      expect: [{ kind: 'pongs-in-order', ts: Array.from({ length: 8 }, (_, i) => `9.5.1-${i}`) }],
    },
  ];
}

/** Every case, in Autobahn's order of categories. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...framing(),
  ...pingPong(),
  ...reservedBits(),
  ...reservedOpcodes(),
  ...fragmentation(),
  ...utf8Handling(),
  ...closing(),
  ...largeMessages(),
];
