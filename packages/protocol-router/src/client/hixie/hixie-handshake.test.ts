import { describe, expect, it } from 'vitest';
import { answerDraft76Challenge } from '../../hixie/draft76-key.js';
import { DRAFT76_EXAMPLE } from '../../testing/index.js';
import type { HixieChallenge } from './hixie-drafts.js';
import { HIXIE_DRAFT_RULES } from './hixie-drafts.js';
import { HixieError, isHixieError } from './hixie-errors.js';
import {
  createHixieRequest,
  type HixieResponse,
  HixieResponseReader,
  parseHixieUrl,
  verifyHixieResponse,
} from './hixie-handshake.js';

function caught(action: () => unknown): HixieError {
  try {
    action();
  } catch (error) {
    if (error instanceof HixieError) return error;
    throw error;
  }
  throw new Error('expected a HixieError');
}

// The handshake example of draft-hixie-76 §1.2/§1.3 (the second verified example).
const { key1: KEY1, key2: KEY2, key3: KEY3 } = DRAFT76_EXAMPLE;
const EXAMPLE_CHALLENGE: HixieChallenge = {
  headers: [
    ['Sec-WebSocket-Key1', KEY1],
    ['Sec-WebSocket-Key2', KEY2],
  ],
  body: KEY3,
  expectedAnswer: answerDraft76Challenge(KEY1, KEY2, KEY3) ?? Buffer.alloc(0),
};
const EXAMPLE_RESPONSE = Buffer.from(
  'HTTP/1.1 101 WebSocket Protocol Handshake\r\n' +
    'Upgrade: WebSocket\r\n' +
    'Connection: Upgrade\r\n' +
    'Sec-WebSocket-Origin: http://example.com\r\n' +
    'Sec-WebSocket-Location: ws://example.com/demo\r\n' +
    'Sec-WebSocket-Protocol: sample\r\n' +
    '\r\n' +
    "8jKS'y:G*Co,Wxa-",
  'latin1',
);
const EXAMPLE_TARGET = parseHixieUrl('ws://example.com/demo');

function readWhole(response: Buffer, answerLength = 16): HixieResponse | null {
  return new HixieResponseReader(answerLength).push(response);
}

describe('parseHixieUrl', () => {
  it('derives host, resource and the expected location', () => {
    expect(parseHixieUrl('ws://127.0.0.1:8080/ws?draft=76&a=b')).toEqual({
      hostname: '127.0.0.1',
      port: 8080,
      secure: false,
      host: '127.0.0.1:8080',
      resource: '/ws?draft=76&a=b',
      location: 'ws://127.0.0.1:8080/ws?draft=76&a=b',
    });
  });

  it('uses port 80 and a bare host when the URL has no port', () => {
    expect(parseHixieUrl('ws://Example.com')).toMatchObject({
      hostname: 'example.com',
      port: 80,
      host: 'example.com',
      resource: '/',
      location: 'ws://example.com/',
    });
  });

  it('speaks TLS on port 443 for wss: and expects a wss: location', () => {
    expect(parseHixieUrl('wss://Example.com/ws')).toMatchObject({
      port: 443,
      secure: true,
      host: 'example.com',
      location: 'wss://example.com/ws',
    });
  });

  it('connects to an IPv6 literal without its brackets', () => {
    expect(parseHixieUrl('ws://[::1]:9000/ws')).toMatchObject({
      hostname: '::1',
      host: '[::1]:9000',
    });
  });

  it.each([
    ['http://example.com/', /must start with ws: or wss:/],
    ['ws://example.com/#top', /fragment/],
    ['not a url', /not a valid URL/],
  ])('rejects %s', (url, message) => {
    const error = caught(() => parseHixieUrl(url));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toMatch(message);
  });
});

describe('createHixieRequest', () => {
  it('lays out a draft-76 request: fixed opening lines, keys, extra headers, key3', () => {
    const request = createHixieRequest(
      EXAMPLE_TARGET,
      { origin: 'http://example.com', headers: { 'X-Trace': '1' } },
      EXAMPLE_CHALLENGE,
    );
    expect(request.toString('latin1')).toBe(
      'GET /demo HTTP/1.1\r\n' +
        'Upgrade: WebSocket\r\n' +
        'Connection: Upgrade\r\n' +
        'Host: example.com\r\n' +
        'Origin: http://example.com\r\n' +
        `Sec-WebSocket-Key1: ${KEY1}\r\n` +
        `Sec-WebSocket-Key2: ${KEY2}\r\n` +
        'X-Trace: 1\r\n' +
        '\r\n' +
        '^n:ds[4U',
    );
  });

  it('lays out a draft-75 request with no keys, no body and no Origin when none is given', () => {
    const request = createHixieRequest(EXAMPLE_TARGET, {}, HIXIE_DRAFT_RULES[75].createChallenge());
    expect(request.toString('latin1')).toBe(
      'GET /demo HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nHost: example.com\r\n\r\n',
    );
  });

  it.each([
    [{ headers: { 'X-Evil': 'a\r\nHost: b' } }, /invalid value/],
    [{ headers: { 'Bad Name': 'x' } }, /invalid header name/],
    [{ headers: { host: 'other' } }, /set by the handshake/],
    [{ headers: { 'sec-websocket-key1': '1 2' } }, /set by the handshake/],
    [{ origin: 'http://a\r\nX: y' }, /origin/],
  ])('refuses options that would forge the handshake (%o)', (options, message) => {
    const error = caught(() => createHixieRequest(EXAMPLE_TARGET, options, EXAMPLE_CHALLENGE));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toMatch(message);
  });

  it('creates a fresh draft-76 challenge every time, whose answer the keys imply', () => {
    const a = HIXIE_DRAFT_RULES[76].createChallenge();
    const b = HIXIE_DRAFT_RULES[76].createChallenge();
    expect(a.body).toHaveLength(8);
    expect(a.body.equals(b.body) && a.expectedAnswer.equals(b.expectedAnswer)).toBe(false);
    const [[, key1] = [], [, key2] = []] = a.headers;
    expect(answerDraft76Challenge(key1 ?? '', key2 ?? '', a.body)).toEqual(a.expectedAnswer);
  });
});

describe('HixieResponseReader', () => {
  it('reads the draft-76 example and splits off what follows it', () => {
    const frames = Buffer.from([0x00, 0x68, 0x69, 0xff]);
    const response = readWhole(Buffer.concat([EXAMPLE_RESPONSE, frames]));
    expect(response?.status).toBe(101);
    expect(response?.headers.get('sec-websocket-location')).toBe('ws://example.com/demo');
    expect(response?.answer.toString('latin1')).toBe("8jKS'y:G*Co,Wxa-");
    expect(response?.rest).toEqual(frames);
  });

  it('waits for every byte when the response comes one byte at a time', () => {
    const reader = new HixieResponseReader(16);
    const results = Array.from(EXAMPLE_RESPONSE, (byte) => reader.push(Buffer.from([byte])));
    expect(results.slice(0, -1).every((result) => result === null)).toBe(true);
    expect(results.at(-1)?.answer.toString('latin1')).toBe("8jKS'y:G*Co,Wxa-");
    expect(results.at(-1)?.rest).toHaveLength(0);
  });

  it('rejects a non-101 status as soon as the status line is complete, with the status', () => {
    const reader = new HixieResponseReader(16);
    expect(reader.push(Buffer.from('HTTP/1.1 403 Forb'))).toBeNull();
    const error = caught(() => reader.push(Buffer.from('idden\r\n')));
    expect(error.code).toBe('bad_status');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/403 Forbidden/);
  });

  it.each([
    ['something that is not HTTP', 'SSH-2.0-OpenSSH\r\n'],
    ['a header line without a colon', 'HTTP/1.1 101 OK\r\nUpgrade WebSocket\r\n\r\n'],
    ['a repeated header', 'HTTP/1.1 101 OK\r\nUpgrade: WebSocket\r\nUpgrade: WebSocket\r\n\r\n'],
    ['an endless head', `HTTP/1.1 101 OK\r\nX: ${'a'.repeat(20_000)}`],
  ])('rejects %s', (_name, text) => {
    expect(caught(() => readWhole(Buffer.from(text, 'latin1'))).code).toBe('bad_response');
  });
});

describe('verifyHixieResponse', () => {
  const verify = (
    response: Buffer,
    sentOrigin: { origin?: string } = { origin: 'http://example.com' },
  ) => {
    const read = readWhole(response);
    if (!read) throw new Error('incomplete response');
    verifyHixieResponse(read, 76, EXAMPLE_TARGET, sentOrigin.origin, EXAMPLE_CHALLENGE);
  };
  const edit = (from: string, to: string) =>
    Buffer.from(EXAMPLE_RESPONSE.toString('latin1').replace(from, to), 'latin1');

  it('accepts the draft-76 example', () => {
    expect(() => verify(EXAMPLE_RESPONSE)).not.toThrow();
  });

  it('rejects a wrong answer', () => {
    expect(caught(() => verify(edit('8jKS', '8jKT'))).code).toBe('bad_answer');
  });

  it.each([
    ['a wrong Upgrade', edit('Upgrade: WebSocket', 'Upgrade: h2c'), /upgrade is h2c/],
    ['a missing Connection', edit('Connection: Upgrade\r\n', ''), /no connection header/],
    [
      'a missing location',
      edit('Sec-WebSocket-Location', 'X-Location'),
      /no sec-websocket-location/,
    ],
    ['another location', edit('/demo', '/other'), /expected ws:\/\/example.com\/demo/],
    ['the draft-75 location name', edit('Sec-WebSocket-Location', 'WebSocket-Location'), /no sec/],
    ['another origin', edit('http://example.com', 'http://evil.test'), /origin is http/],
  ])('rejects %s', (_name, response, message) => {
    const error = caught(() => verify(response));
    expect(isHixieError(error, 'bad_response')).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('does not require an echoed origin when none was sent', () => {
    expect(() =>
      verify(edit('Sec-WebSocket-Origin: http://example.com\r\n', ''), {}),
    ).not.toThrow();
  });
});
