import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientMessageSchema } from './client-messages.js';
import { decodeClientMessage, decodeServerMessage } from './decode.js';
import { TEXT_MAX_CODE_POINTS } from './limits.js';

const join = (fields: Record<string, unknown>) =>
  JSON.stringify({ type: 'join', room: 'lobby', nick: 'ann', client: 'c-1', ...fields });
const say = (fields: Record<string, unknown>) =>
  JSON.stringify({ type: 'say', id: 'm-1', text: 'hello', ...fields });

function codeOf(frame: string): string {
  const result = decodeClientMessage(frame);
  return result.ok ? 'ok' : result.code;
}

describe('decodeClientMessage', () => {
  it('accepts a join, trimming the nick', () => {
    const result = decodeClientMessage(join({ nick: '  ann  ', since: 7 }));
    expect(result).toEqual({
      ok: true,
      message: { type: 'join', room: 'lobby', nick: 'ann', client: 'c-1', since: 7 },
    });
  });

  it('accepts a say and keeps its text exactly as sent', () => {
    const result = decodeClientMessage(say({ text: '  hi there \n' }));
    expect(result).toEqual({
      ok: true,
      message: { type: 'say', id: 'm-1', text: '  hi there \n' },
    });
  });

  it('accepts a ping with and without t', () => {
    expect(decodeClientMessage('{"type":"ping"}')).toEqual({ ok: true, message: { type: 'ping' } });
    expect(decodeClientMessage('{"type":"ping","t":12.5}')).toEqual({
      ok: true,
      message: { type: 'ping', t: 12.5 },
    });
    expect(decodeClientMessage('{"type":"ping","t":"abc"}')).toEqual({
      ok: true,
      message: { type: 'ping', t: 'abc' },
    });
  });

  it.each([
    ['not JSON at all', 'hello', 'bad_json'],
    ['truncated JSON', '{"type":"join"', 'bad_json'],
    ['empty frame', '', 'bad_json'],
    ['a JSON array', '[1,2]', 'bad_message'],
    ['JSON null', 'null', 'bad_message'],
    ['a JSON string', '"join"', 'bad_message'],
    ['no type', '{"room":"lobby"}', 'bad_message'],
    ['an unknown type', '{"type":"shout"}', 'bad_message'],
    ['a type that is a number', '{"type":1}', 'bad_message'],
  ])('refuses %s with %s', (_name, frame, code) => {
    expect(codeOf(frame)).toBe(code);
  });

  it.each([
    ['an upper-case room', { room: 'Lobby' }, 'invalid_room'],
    ['a room starting with -', { room: '-lobby' }, 'invalid_room'],
    ['an empty room', { room: '' }, 'invalid_room'],
    ['a 33-character room', { room: 'a'.repeat(33) }, 'invalid_room'],
    ['a number for a room', { room: 5 }, 'invalid_room'],
    ['no room', { room: undefined }, 'invalid_room'],
    ['a nick of spaces', { nick: '   ' }, 'invalid_nick'],
    ['a 25-character nick', { nick: 'n'.repeat(25) }, 'invalid_nick'],
    ['a nick with a control character', { nick: 'an\u0007n' }, 'invalid_nick'],
    ['a nick with a C1 control', { nick: 'an\u0085n' }, 'invalid_nick'],
    ['a nick with a zero-width space (U+200B)', { nick: 'an\u200Bn' }, 'invalid_nick'],
    ['a nick with a right-to-left override (U+202E)', { nick: 'ann\u202Enimda' }, 'invalid_nick'],
    ['a nick with a zero-width joiner (U+200D)', { nick: 'a\u200Dn' }, 'invalid_nick'],
    ['a nick of Braille blanks (U+2800)', { nick: '\u2800\u2800' }, 'invalid_nick'],
    ['a nick of a Hangul filler (U+3164)', { nick: '\u3164' }, 'invalid_nick'],
    ['a nick with a no-break space (U+00A0)', { nick: 'a\u00A0n' }, 'invalid_nick'],
    ['a nick with a line separator (U+2028)', { nick: 'a\u2028n' }, 'invalid_nick'],
    ['a nick of combining marks only', { nick: '\u0301\u0301' }, 'invalid_nick'],
    ['a number for a nick', { nick: 42 }, 'invalid_nick'],
    ['a bad room and a bad nick', { room: 'X', nick: '' }, 'invalid_room'],
    ['an empty client', { client: '' }, 'bad_message'],
    ['a 65-character client', { client: 'c'.repeat(65) }, 'bad_message'],
    ['a number for client', { client: 1 }, 'bad_message'],
    ['a negative since', { since: -1 }, 'bad_message'],
    ['a fractional since', { since: 1.5 }, 'bad_message'],
    ['a string since', { since: '3' }, 'bad_message'],
  ])('refuses a join with %s', (_name, fields, code) => {
    expect(codeOf(join(fields))).toBe(code);
  });

  it('accepts the boundaries of a join', () => {
    expect(codeOf(join({ room: `a${'_'.repeat(31)}`, nick: 'n'.repeat(24) }))).toBe('ok');
    expect(codeOf(join({ nick: '😀'.repeat(24), client: '😀'.repeat(64) }))).toBe('ok');
    expect(codeOf(join({ nick: 'Zoë de la Cruz' }))).toBe('ok');
    expect(codeOf(join({ nick: 'José 🎉' }))).toBe('ok');
    expect(codeOf(join({ nick: '李小龍' }))).toBe('ok');
    expect(codeOf(join({ since: 0 }))).toBe('ok');
  });

  it.each([
    ['empty text', { text: '' }, 'bad_message'],
    ['text of whitespace', { text: ' \n\t ' }, 'bad_message'],
    ['a number for text', { text: 12 }, 'bad_message'],
    ['an object for text', { text: { a: 1 } }, 'bad_message'],
    ['an empty id', { id: '' }, 'bad_message'],
    ['a 65-character id', { id: 'i'.repeat(65) }, 'bad_message'],
    ['no id', { id: undefined }, 'bad_message'],
    ['2001 code points', { text: 'x'.repeat(TEXT_MAX_CODE_POINTS + 1) }, 'too_large'],
    ['2001 emoji', { text: '😀'.repeat(TEXT_MAX_CODE_POINTS + 1) }, 'too_large'],
  ])('refuses a say with %s', (_name, fields, code) => {
    expect(codeOf(say(fields))).toBe(code);
  });

  it('counts surrogate pairs as one code point at the 2000 boundary', () => {
    // 2000 emoji are 4000 UTF-16 units: still within the limit of 2000 code points.
    expect(codeOf(say({ text: '😀'.repeat(TEXT_MAX_CODE_POINTS) }))).toBe('ok');
    expect(codeOf(say({ text: `${'x'.repeat(TEXT_MAX_CODE_POINTS - 1)}😀` }))).toBe('ok');
    expect(codeOf(say({ text: `${'x'.repeat(TEXT_MAX_CODE_POINTS)}😀` }))).toBe('too_large');
  });

  it('measures text as sent, since it is kept and broadcast untrimmed', () => {
    expect(codeOf(say({ text: `  ${'x'.repeat(TEXT_MAX_CODE_POINTS - 4)}  ` }))).toBe('ok');
    expect(codeOf(say({ text: `  ${'x'.repeat(TEXT_MAX_CODE_POINTS)}  ` }))).toBe('too_large');
    // One letter and 60 KB of spaces: the padding attack on history.
    expect(codeOf(say({ text: `x${' '.repeat(60_000)}` }))).toBe('too_large');
  });

  it('bounds the bytes too: 2000 four-byte code points fit, one more byte does not', () => {
    expect(codeOf(say({ text: '😀'.repeat(TEXT_MAX_CODE_POINTS) }))).toBe('ok');
    expect(codeOf(say({ text: `${'😀'.repeat(TEXT_MAX_CODE_POINTS - 1)}é` }))).toBe('ok');
    // A lone surrogate is one code point, three bytes once encoded.
    expect(codeOf(say({ text: '\ud800'.repeat(TEXT_MAX_CODE_POINTS) }))).toBe('ok');
    expect(codeOf(say({ text: '\ud800'.repeat(TEXT_MAX_CODE_POINTS + 1) }))).toBe('too_large');
  });

  it('asks for a history page before a seq', () => {
    expect(codeOf('{"type":"history","before":10}')).toBe('ok');
    expect(codeOf('{"type":"history","before":0}')).toBe('bad_message');
    expect(codeOf('{"type":"history","before":1.5}')).toBe('bad_message');
    expect(codeOf('{"type":"history"}')).toBe('bad_message');
  });

  it('refuses a ping whose t is neither number nor short string', () => {
    expect(codeOf('{"type":"ping","t":{"x":1}}')).toBe('bad_message');
    expect(codeOf(`{"type":"ping","t":"${'t'.repeat(65)}"}`)).toBe('bad_message');
  });

  it('ignores __proto__ and constructor keys without polluting any prototype', () => {
    const frame =
      '{"type":"say","id":"m","text":"hi","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const result = decodeClientMessage(frame);
    expect(result).toEqual({ ok: true, message: { type: 'say', id: 'm', text: 'hi' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.ok ? result.message : {})).toBe(Object.prototype);
  });

  it('refuses a __proto__ key standing in for a field', () => {
    expect(codeOf('{"__proto__":{"type":"ping"}}')).toBe('bad_message');
  });

  it('survives deep nesting', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(['bad_json', 'bad_message']).toContain(codeOf(deep));
    const deepField = say({ text: undefined }).replace(
      '}',
      `,"text":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`,
    );
    expect(codeOf(deepField)).toBe('bad_message');
  });

  it('drops unknown fields', () => {
    expect(decodeClientMessage('{"type":"ping","extra":[1,2,3]}')).toEqual({
      ok: true,
      message: { type: 'ping' },
    });
  });

  it('gives a detail naming the field', () => {
    const result = decodeClientMessage(join({ room: 'BAD' }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toMatch(/^room:/);
  });
});

describe('decodeServerMessage', () => {
  const member = {
    id: 'c-1',
    nick: 'ann',
    protocol: 'hixie-76',
    engine: 'faye-websocket',
    relay: true,
  };
  const message = {
    type: 'message',
    room: 'lobby',
    seq: 1,
    id: 'm-1',
    client: 'c-1',
    text: 'hi',
    ts: 1,
    from: member,
  };
  const b64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');
  const handshakeHybi = {
    type: 'handshake',
    protocol: 'hybi-07',
    request: b64('GET /ws HTTP/1.1\r\nSec-WebSocket-Version: 7\r\n\r\n'),
    response: b64('HTTP/1.1 101 Switching Protocols\r\n\r\n'),
  };
  // draft-hixie-76's own example key3 and answer (§1.3).
  const handshake76 = {
    ...handshakeHybi,
    protocol: 'hixie-76',
    key3: b64('^n:ds[4U'),
    answer: b64("8jKS'y:G*Co,Wxa-"),
  };

  it.each([
    [
      'welcome',
      {
        type: 'welcome',
        room: 'lobby',
        self: member,
        members: [member],
        history: [message],
        seq: 1,
      },
    ],
    [
      'welcome truncated',
      {
        type: 'welcome',
        room: 'lobby',
        self: member,
        members: [],
        history: [],
        seq: 9,
        truncated: true,
      },
    ],
    ['message', message],
    ['presence', { type: 'presence', event: 'leave', member }],
    ['error', { type: 'error', code: 'rate_limited', message: 'slow down' }],
    ['pong', { type: 'pong', t: 3 }],
    ['wire', { type: 'wire', dir: 'out', protocol: 'hixie-76', bytes: 'AGhp/w==' }],
    ['wire of a hybi leg', { type: 'wire', dir: 'in', protocol: 'hybi-07', bytes: 'gQJoaQ==' }],
    ['handshake of hixie-76', handshake76],
    ['handshake of hybi-08', { ...handshakeHybi, protocol: 'hybi-08' }],
    ['handshake of hixie-75', { ...handshakeHybi, protocol: 'hixie-75' }],
  ])('accepts a %s', (_name, value) => {
    expect(decodeServerMessage(JSON.stringify(value)).ok).toBe(true);
  });

  it.each([
    ['an error with an unknown code', { type: 'error', code: 'nope', message: '' }],
    ['a message with seq 0', { ...message, seq: 0 }],
    [
      'a member with an unknown engine',
      { type: 'presence', event: 'join', member: { ...member, engine: 'x' } },
    ],
    [
      'a relay flag that is false',
      { type: 'presence', event: 'join', member: { ...member, relay: false } },
    ],
    [
      'a handshake of rfc6455, which the relay never speaks',
      { ...handshakeHybi, protocol: 'rfc6455' },
    ],
    ['a hixie-76 handshake without key3', { ...handshake76, key3: undefined }],
    ['a hixie-76 handshake without its answer', { ...handshake76, answer: undefined }],
    ['a hybi handshake with an answer', { ...handshakeHybi, answer: handshake76.answer }],
    ['a key3 that is not 8 bytes', { ...handshake76, key3: 'AAAA' }],
    ['an answer that is not 16 bytes', { ...handshake76, answer: 'AAAA' }],
    ['a handshake request that is not base64', { ...handshakeHybi, request: '!!' }],
    [
      'wire bytes that are not base64',
      { type: 'wire', dir: 'in', protocol: 'hixie-76', bytes: '!!' },
    ],
  ])('refuses %s', (_name, value) => {
    expect(decodeServerMessage(JSON.stringify(value))).toMatchObject({
      ok: false,
      code: 'bad_message',
    });
  });
});

// decodeClientMessage accepts a `say` by hand before zod sees it: whatever it accepts, zod must
// accept with the same output, and whatever zod refuses, it must refuse with zod's code.
describe('the hand-checked say', () => {
  const edgeText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('', ' ', '\t\n', '\u00a0', '\u2028', '\ufeff', 'a', '\ud800', '\ud83d\ude00'),
    fc
      .integer({ min: TEXT_MAX_CODE_POINTS - 2, max: TEXT_MAX_CODE_POINTS + 2 })
      .chain((n) =>
        fc.constantFrom(
          'x'.repeat(n),
          '\u00e9'.repeat(n),
          '\u4e2d'.repeat(n),
          '\ud83d\ude00'.repeat(n),
        ),
      ),
  );
  const sayLike = fc.record(
    {
      type: fc.constantFrom('say', 'Say', 'join'),
      id: fc.oneof(edgeText, fc.constantFrom('x'.repeat(64), 'x'.repeat(65)), fc.integer()),
      text: fc.oneof(edgeText, fc.constant(null), fc.array(fc.string(), { maxLength: 1 })),
      extra: fc.string(),
    },
    { requiredKeys: [] },
  );
  const anything = fc.oneof(sayLike, fc.jsonValue());

  it('accepts exactly what the schema accepts, with the same message or the same code', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const frame = JSON.stringify(value) ?? 'null';
        const decoded = decodeClientMessage(frame);
        const expected = clientMessageSchema.safeParse(JSON.parse(frame));
        expect(decoded.ok).toBe(expected.success);
        if (decoded.ok && expected.success) expect(decoded.message).toEqual(expected.data);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps only the three fields of a say, as the schema does', () => {
    const decoded = decodeClientMessage('{"type":"say","id":"1","text":"hi","from":"someone"}');
    expect(decoded).toEqual({ ok: true, message: { type: 'say', id: '1', text: 'hi' } });
  });
});
