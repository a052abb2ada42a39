/**
 * Frame fuzzing on every protocol, after a good handshake, against the real server: each
 * violation gets its protocol's answer (RFC 6455 §5.2-§5.6, §7.4.1, §8.1; draft-hixie-76 §5.3),
 * hostile JSON gets the contract's error, the process stays up, and a bystander in the same
 * room keeps receiving a gap-free stream throughout.
 */

import { encodeHixieTextFrame, PROTOCOLS, type Protocol } from '@draftbridge/protocol-router';
import {
  clientFrame,
  openRawSession,
  type RawSession,
  type ServerFrame,
} from '@draftbridge/protocol-router/testing';
import type { ChatMessage } from '@draftbridge/shared-types';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestClient, connectChatClient, isType } from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const ROOM = 'fuzz';
const MAX_MESSAGE_BYTES = 16 * 1024;
const TEST_TIMEOUT_MS = 40_000;

let t: TestServer;
let bystander: ChatTestClient;
let speaker: ChatTestClient;
let said = 0;
let casesTried = 0;
const faults: unknown[] = [];
const onFault = (error: unknown) => faults.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  t = await startTestServer({
    maxMessageBytes: MAX_MESSAGE_BYTES,
    ratePerSecond: 100_000,
    rateBurst: 100_000,
  });
  bystander = await connectChatClient('hixie-76', t.ws);
  bystander.send({ type: 'join', room: ROOM, nick: 'bystander', client: 'bystander' });
  await bystander.waitFor(isType('welcome'));
  speaker = await connectChatClient('rfc6455', t.ws);
  speaker.send({ type: 'join', room: ROOM, nick: 'speaker', client: 'speaker' });
  await speaker.waitFor(isType('welcome'));
});

afterAll(async () => {
  process.off('uncaughtException', onFault);
  process.off('unhandledRejection', onFault);
  bystander.close();
  speaker.close();
  await t.stop();
  console.info(
    `[hardening] frame fuzz: ${casesTried} hostile connections; faults ${faults.length}`,
  );
});

// The bystander still receives, in order, with no gap: checked after every case.
async function expectBystanderReceives(): Promise<void> {
  said += 1;
  const id = `after-${said}`;
  speaker.send({ type: 'say', id, text: id });
  await bystander.waitFor((m) => m.type === 'message' && m.id === id, 5000);
  const seqs = bystander.messages
    .filter((m): m is ChatMessage => m.type === 'message')
    .map((m) => m.seq);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 1) + i));
}

async function joinedSession(protocol: Protocol, target = '/ws'): Promise<RawSession> {
  casesTried += 1;
  const session = await openRawSession(t.port, protocol, target);
  session.sendText(
    JSON.stringify({ type: 'join', room: ROOM, nick: 'hostile', client: `h${casesTried}` }),
  );
  await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('"welcome"'));
  return session;
}

const closeCode = (frames: ServerFrame[]) =>
  frames.find((f): f is Extract<ServerFrame, { kind: 'close' }> => f.kind === 'close')?.code;

// ---------------------------------------------------------------------------------------------
// RFC 6455 and the hybi drafts: a table of single violations and the close codes each may get.
// Where the RFC names no code, or the engines differ within what it allows, the set says so.

const text = (s: string) => Buffer.from(s);
const PING = text(JSON.stringify({ type: 'ping', t: 'p' }));

const HYBI_VIOLATIONS: readonly (readonly [string, () => Buffer, readonly number[]])[] = [
  ['a reserved opcode (3)', () => clientFrame(3, text('x')), [1002]],
  ['a reserved control opcode (0xB)', () => clientFrame(0xb, text('x')), [1002]],
  ['RSV1 without an extension', () => clientFrame(1, PING, { rsv: 0b100 }), [1002]],
  ['RSV3', () => clientFrame(1, PING, { rsv: 0b001 }), [1002]],
  // §5.1 says "MUST close" and names no code: WebSocket-Node (through our adapter) says 1002,
  // websocket-driver 1003.
  ['an unmasked client frame', () => clientFrame(1, PING, { mask: false }), [1002, 1003]],
  ['a ping of 126 bytes', () => clientFrame(9, Buffer.alloc(126, 0x61)), [1002]],
  ['a fragmented ping', () => clientFrame(9, text('x'), { fin: false }), [1002]],
  ['a continuation without a start', () => clientFrame(0, text('x')), [1002]],
  [
    'interleaved fragmented messages',
    () =>
      Buffer.concat([
        clientFrame(1, text('{"ty'), { fin: false }),
        clientFrame(1, text('x'), { fin: false }),
      ]),
    [1002],
  ],
  ['invalid UTF-8', () => clientFrame(1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), [1007]],
  [
    'a UTF-16 surrogate in UTF-8',
    () => clientFrame(1, Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])),
    [1007],
  ],
  ['an overlong encoding', () => clientFrame(1, Buffer.from([0x22, 0xc0, 0xaf, 0x22])), [1007]],
  [
    'invalid UTF-8 split across fragments',
    () =>
      Buffer.concat([
        clientFrame(1, Buffer.from([0x22, 0xe2, 0x82]), { fin: false }),
        clientFrame(0, Buffer.from([0x28, 0x22])),
      ]),
    [1007],
  ],
  ['a close frame with a 1-byte body', () => clientFrame(8, Buffer.from([0x03])), [1002]],
  ['a close frame with code 1005', () => clientFrame(8, Buffer.from([0x03, 0xed])), [1002]],
  ['a close frame with code 999', () => clientFrame(8, Buffer.from([0x03, 0xe7])), [1002]],
  // §8.1 fails the connection; websocket-driver reports it as a protocol error.
  [
    'a close reason that is not UTF-8',
    () => clientFrame(8, Buffer.from([0x03, 0xe8, 0xc3, 0x28])),
    [1002, 1007],
  ],
  // WebSocket-Node refuses any length past 32 bits as a protocol error before it compares it
  // with the limit; either way not one byte of the payload is buffered.
  [
    'a frame that claims 2^40 bytes',
    () => Buffer.from([0x81, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4]),
    [1002, 1009],
  ],
  [
    'a message past the limit',
    () => clientFrame(1, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20)),
    [1009],
  ],
  [
    'fragments that add up past the limit',
    () =>
      Buffer.concat([
        clientFrame(1, Buffer.alloc(MAX_MESSAGE_BYTES / 2, 0x20), { fin: false }),
        clientFrame(0, Buffer.alloc(MAX_MESSAGE_BYTES / 2, 0x20), { fin: false }),
        clientFrame(0, Buffer.alloc(16, 0x20)),
      ]),
    [1009],
  ],
];

const HYBI_PROTOCOLS: readonly (readonly [string, Protocol, string])[] = [
  ['rfc6455 on WebSocket-Node', 'rfc6455', '/ws'],
  ['hybi-08 on WebSocket-Node', 'hybi-08', '/ws'],
  ['hybi-07 on faye-websocket', 'hybi-07', '/ws'],
  ['rfc6455 on faye-websocket', 'rfc6455', '/ws?engine=faye-websocket'],
];

describe.each(HYBI_PROTOCOLS)('%s', (_name, protocol, target) => {
  it.each(HYBI_VIOLATIONS)('closes on %s with its code', async (_case, bytes, codes) => {
    const session = await joinedSession(protocol, target);
    session.sendRaw(bytes());
    await session.peer.closed(5000);
    expect(codes).toContain(closeCode(session.frames()));
    await expectBystanderReceives();
  });

  it('answers a ping with a pong of the same payload, and binary with binary_unsupported', async () => {
    const session = await joinedSession(protocol, target);
    session.sendRaw(clientFrame(9, text('are you there')));
    await session.waitForFrame((f) => f.kind === 'control' && f.opcode === 0xa);
    const pong = session.frames().find((f) => f.kind === 'control' && f.opcode === 0xa);
    expect(pong?.kind === 'control' && pong.payload.toString()).toBe('are you there');
    session.sendRaw(clientFrame(2, Buffer.from([0, 1, 2])));
    await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('binary_unsupported'));
    session.peer.socket.destroy();
    await expectBystanderReceives();
  });
});

// ---------------------------------------------------------------------------------------------
// The drafts: no codes, no control frames; a frame runs from 0x00 to 0xFF, 0x80-type frames
// carry a length and are discarded, and draft-76 closes with 0xFF 0x00.

describe.each(['hixie-76', 'hixie-75'] as const)('%s', (protocol) => {
  it('discards 0x80-type frames with one- and two-byte lengths and keeps serving', async () => {
    const session = await joinedSession(protocol);
    session.sendRaw(Buffer.from([0x80, 0x03, 0x61, 0x62, 0x63]));
    // Length 128 in two bytes: 0x81 (1, more follows) 0x00 (0): 1 * 128 + 0 (§5.3).
    session.sendRaw(Buffer.concat([Buffer.from([0x80, 0x81, 0x00]), Buffer.alloc(128, 0x7b)]));
    session.sendText(JSON.stringify({ type: 'ping', t: 'after-binary' }));
    await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('after-binary'));
    const types = session.messages().map((m) => m.type);
    expect(types).toEqual(['welcome', 'pong']);
    session.peer.socket.destroy();
    await expectBystanderReceives();
  });

  it('skips a 0x80-type frame whole, even with 0xFF among its bytes', async () => {
    const session = await joinedSession(protocol);
    const pong = (t: string) => (f: ServerFrame) =>
      f.kind === 'text' && f.text === JSON.stringify({ type: 'pong', t });
    session.sendText(JSON.stringify({ type: 'ping', t: 'first' }));
    await session.waitForFrame(pong('first'));
    // §5.3: read the length, then discard that many bytes, whatever they are.
    session.sendRaw(Buffer.from([0x80, 0x04, 0x61, 0xff, 0x00, 0x62]));
    session.sendText(JSON.stringify({ type: 'ping', t: 'second' }));
    await session.waitForFrame(pong('second'));
    expect(session.messages().map((m) => [m.type, m.t])).toEqual([
      ['welcome', undefined],
      ['pong', 'first'],
      ['pong', 'second'],
    ]);
    session.peer.socket.destroy();
    await expectBystanderReceives();
  });

  it('closes a frame with no 0xFF once it passes the limit', async () => {
    const session = await joinedSession(protocol);
    session.sendRaw(
      Buffer.concat([Buffer.from([0x00]), Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x61)]),
    );
    await session.peer.closed(5000);
    // draft-76 §5.3 closing handshake; draft-75 has none, a TCP close is its close.
    expect(
      closeCode(session.frames()) === undefined && session.frames().some((f) => f.kind === 'close'),
    ).toBe(protocol === 'hixie-76');
    await expectBystanderReceives();
  });

  it('holds a frame with no 0xFF below the limit without closing or answering', async () => {
    const session = await joinedSession(protocol);
    const before = session.frames().length;
    session.sendRaw(Buffer.concat([Buffer.from([0x00]), Buffer.alloc(1000, 0x61)]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(session.peer.isClosed).toBe(false);
    expect(session.frames().length).toBe(before);
    session.peer.socket.destroy();
    await expectBystanderReceives();
  });

  it('refuses invalid UTF-8 with its closing handshake, as 1007 on RFC 6455, answering nothing', async () => {
    const session = await joinedSession(protocol);
    const before = session.messages().length;
    session.sendRaw(
      Buffer.concat([
        Buffer.from([0x00]),
        Buffer.from('{"type":"ping","t":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
        Buffer.from([0xff]),
      ]),
    );
    await session.peer.closed(5000);
    expect(session.messages().length).toBe(before);
    expect(session.frames().filter((f) => f.kind === 'close')).toEqual(
      protocol === 'hixie-76' ? [{ kind: 'close', code: undefined }] : [],
    );
    await expectBystanderReceives();
  });

  it('treats 0xFF 0x00 as its draft says', async () => {
    const session = await joinedSession(protocol);
    session.sendRaw(Buffer.from([0xff, 0x00]));
    if (protocol === 'hixie-76') {
      await session.peer.closed(5000);
      expect(session.frames().at(-1)).toEqual({ kind: 'close', code: undefined });
    } else {
      // draft-75: a 0x80-type frame of length 0, discarded.
      session.sendText(JSON.stringify({ type: 'ping', t: 75 }));
      await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('pong'));
      session.peer.socket.destroy();
    }
    await expectBystanderReceives();
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile JSON, on every protocol: the contract's error, the connection kept, no pollution.

const HOSTILE_JSON: readonly (readonly [string, string, string])[] = [
  ['deep array nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'bad_message'],
  ['deep nesting past any parser stack', '['.repeat(MAX_MESSAGE_BYTES - 100), 'bad_json'],
  [
    'deep object nesting inside a say',
    `{"type":"say","id":"d","text":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
    'bad_message',
  ],
  ['a huge array', `[${'0,'.repeat(5000)}0]`, 'bad_message'],
  [
    'a huge array inside a join',
    `{"type":"join","room":"x","nick":"n","client":"c","since":[${'1,'.repeat(4000)}1]}`,
    'bad_message',
  ],
  ['a __proto__ key standing in for the message', '{"__proto__":{"type":"ping"}}', 'bad_message'],
  ['a number past double range', '{"type":"ping","t":1e999}', 'bad_message'],
];

describe.each(PROTOCOLS)('hostile JSON on %s', (protocol) => {
  it.each(HOSTILE_JSON)('answers %s with its error code', async (_case, json, code) => {
    const session = await joinedSession(protocol);
    session.sendText(json);
    session.sendText(JSON.stringify({ type: 'ping', t: 'still-open' }));
    await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('still-open'), 5000);
    const errors = session.messages().filter((m) => m.type === 'error');
    expect(errors.map((e) => e.code)).toEqual([code]);
    session.peer.socket.destroy();
    await expectBystanderReceives();
  });

  it('accepts __proto__ and constructor keys and names without polluting anything', async () => {
    casesTried += 1;
    // One client id per protocol, each a name Object.prototype already has.
    const client = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'][
      PROTOCOLS.indexOf(protocol)
    ];
    const session = await openRawSession(t.port, protocol);
    session.sendText(
      JSON.stringify({ type: 'join', room: 'constructor', nick: '__proto__', client }).replace(
        /}$/,
        ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      ),
    );
    await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('welcome'));
    session.sendText(
      '{"type":"say","id":"__proto__","text":"toString","__proto__":{"polluted":1}}',
    );
    session.sendText('{"type":"say","id":"__proto__","text":"toString"}');
    session.sendText('{"type":"say","id":"constructor","text":"valueOf"}');
    const mine = () =>
      session.messages().filter((m) => m.type === 'message' && m.client === client);
    await session.peer.waitFor(() => mine().length === 3);
    const [first, resent, third] = mine();
    // The resend of (client, "__proto__") is the original message, not a new one.
    expect(resent).toEqual(first);
    expect(third).toMatchObject({
      id: 'constructor',
      text: 'valueOf',
      seq: (first?.seq as number) + 1,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    session.peer.socket.destroy();
    await expectBystanderReceives();
  });
});

// ---------------------------------------------------------------------------------------------
// Random bytes and random frames: no oracle for the exact answer, only for what must hold.

const HYBI_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009]);

const randomHybiFrame = fc
  .record({
    opcode: fc.integer({ min: 0, max: 15 }),
    fin: fc.boolean(),
    rsv: fc.integer({ min: 0, max: 7 }),
    masked: fc.boolean(),
    payload: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ opcode, fin, rsv, masked, payload }) =>
    clientFrame(opcode, Buffer.from(payload), { fin, rsv, mask: masked }),
  );

const hostileBytes = (protocol: Protocol) =>
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((b) => Buffer.from(b)),
    protocol.startsWith('hixie')
      ? fc
          .array(
            fc.oneof(
              fc
                .uint8Array({ maxLength: 200 })
                .map((b) => encodeHixieTextFrame(Buffer.from(b.filter((x) => x !== 0xff)))),
              fc
                .uint8Array({ maxLength: 200 })
                .map((b) => Buffer.from([0x80, Math.min(b.length, 127), ...b.slice(0, 127)])),
              fc.constant(Buffer.from([0xff, 0x00])),
            ),
            { maxLength: 6 },
          )
          .map((frames) => Buffer.concat(frames))
      : fc
          .array(randomHybiFrame, { minLength: 1, maxLength: 6 })
          .map((frames) => Buffer.concat(frames)),
  );

describe.each(PROTOCOLS)('random bytes and frames on %s', (protocol) => {
  it(
    'never takes the server down or disturbs the room; a hybi close carries a protocol code',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileBytes(protocol), { minLength: 8, maxLength: 8 }),
          async (batch) => {
            const sessions = await Promise.all(batch.map(() => joinedSession(protocol)));
            sessions.forEach((session, i) => {
              session.sendRaw(batch[i] as Buffer);
            });
            await new Promise((resolve) => setTimeout(resolve, 150));
            for (const session of sessions) {
              const code = closeCode(session.frames());
              if (code !== undefined && !protocol.startsWith('hixie')) {
                expect(HYBI_CLOSE_CODES.has(code) || code === 1000, `close ${code}`).toBe(true);
              }
              session.peer.socket.destroy();
            }
            await expectBystanderReceives();
          },
        ),
        { numRuns: 6 },
      );
      expect(faults).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('after all of it', () => {
  it('threw nothing and still serves every protocol', async () => {
    expect(faults).toEqual([]);
    for (const kind of ['rfc6455', 'hybi-07', 'hixie-75'] as const) {
      const client = await connectChatClient(kind, t.ws);
      client.send({ type: 'join', room: ROOM, nick: kind, client: `late-${kind}` });
      await client.waitFor(isType('welcome'));
      client.close();
    }
    await expectBystanderReceives();
  });
});
