import { describe, expect, it } from 'vitest';
import { answerDraft76Challenge } from '../hixie/draft76-key.js';
import {
  type ClientHandshake,
  computeRfc6455Accept,
  createClientHandshake,
  readHandshakeResponse,
} from './handshake.js';

const TARGET = { host: '127.0.0.1:1234', resource: '/ws' };
const bytesOf = (handshake: ClientHandshake) => Buffer.concat([handshake.head, handshake.body]);

function headerOf(handshake: ClientHandshake, name: string): string {
  const line = bytesOf(handshake)
    .toString('latin1')
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim() ?? '';
}

describe('computeRfc6455Accept', () => {
  it('answers the example key of RFC 6455 §1.3', () => {
    expect(computeRfc6455Accept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

describe('readHandshakeResponse', () => {
  it('opens an RFC 6455 connection on the right accept and keeps the bytes after it', () => {
    const request = createClientHandshake('rfc6455', TARGET);
    const key = headerOf(request, 'Sec-WebSocket-Key');
    expect(headerOf(request, 'Sec-WebSocket-Version')).toBe('13');
    const head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeRfc6455Accept(key)}\r\n\r\n`;
    const response = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from([0x81, 0x00])]);
    expect(readHandshakeResponse(request, response.subarray(0, 20))).toEqual({
      state: 'incomplete',
    });
    const result = readHandshakeResponse(request, response);
    expect(result.state).toBe('open');
    expect(result.state === 'open' && [...result.rest]).toEqual([0x81, 0x00]);
  });

  it('fails on a wrong accept or a refusal', () => {
    const request = createClientHandshake('rfc6455', TARGET);
    const wrong = Buffer.from(
      'HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n',
      'latin1',
    );
    expect(readHandshakeResponse(request, wrong)).toMatchObject({
      state: 'failed',
      reason: /Accept/,
    });
    const refused = Buffer.from('HTTP/1.1 426 Upgrade Required\r\n\r\n', 'latin1');
    expect(readHandshakeResponse(request, refused)).toMatchObject({
      state: 'failed',
      reason: /426/,
    });
  });

  it('opens a hixie-76 connection once the 16-byte answer has arrived', () => {
    const request = createClientHandshake('hixie-76', TARGET);
    const key3 = request.body;
    expect(key3).toHaveLength(8);
    const answer = answerDraft76Challenge(
      headerOf(request, 'Sec-WebSocket-Key1'),
      headerOf(request, 'Sec-WebSocket-Key2'),
      key3,
    );
    expect(answer).not.toBeNull();
    const head = Buffer.from(
      'HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\n\r\n',
      'latin1',
    );
    const response = Buffer.concat([
      head,
      answer ?? Buffer.alloc(16),
      Buffer.from([0x00, 0x41, 0xff]),
    ]);
    expect(readHandshakeResponse(request, response.subarray(0, head.length + 10))).toEqual({
      state: 'incomplete',
    });
    const result = readHandshakeResponse(request, response);
    expect(result.state === 'open' && [...result.rest]).toEqual([0x00, 0x41, 0xff]);
    const wrong = Buffer.concat([head, Buffer.alloc(16)]);
    expect(readHandshakeResponse(request, wrong)).toMatchObject({
      state: 'failed',
      reason: /answer/,
    });
  });
});

describe('createClientHandshake', () => {
  it.each([
    ['rfc6455', '13', 'Origin'],
    ['hybi-08', '8', 'Sec-WebSocket-Origin'],
    ['hybi-07', '7', 'Sec-WebSocket-Origin'],
  ] as const)('asks for %s with version %s and names the origin %s', (protocol, version, name) => {
    const request = createClientHandshake(protocol, TARGET, {
      origin: 'http://o.example',
      key: 'dGhlIHNhbXBsZSBub25jZQ==',
      headers: { 'X-Trace': '1' },
    });
    expect(request.head.toString('latin1')).toBe(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1:1234\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: ${version}\r\n` +
        `${name}: http://o.example\r\nX-Trace: 1\r\n\r\n`,
    );
    expect(request.body).toHaveLength(0);
    expect(request.expected).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('asks for hixie-75 with no challenge and expects no answer', () => {
    const request = createClientHandshake('hixie-75', TARGET);
    expect(request.head.toString('latin1')).toBe(
      'GET /ws HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nHost: 127.0.0.1:1234\r\n\r\n',
    );
    expect([request.body.length, Buffer.from(request.expected).length]).toEqual([0, 0]);
    const response = Buffer.from(
      'HTTP/1.1 101 Web Socket Protocol Handshake\r\n\r\n\u0000a',
      'latin1',
    );
    const result = readHandshakeResponse(request, response);
    expect(result.state === 'open' && [...result.rest]).toEqual([0x00, 0x61]);
  });

  it('refuses headers that would inject lines or override the handshake', () => {
    expect(() => createClientHandshake('hybi-07', TARGET, { origin: 'x\r\nEvil: 1' })).toThrow(
      /origin must not contain CR, LF or NUL/,
    );
    expect(() =>
      createClientHandshake('rfc6455', TARGET, { headers: { 'Sec-WebSocket-Version': '8' } }),
    ).toThrow(/set by the handshake itself/);
    expect(() => createClientHandshake('hybi-08', TARGET, { headers: { 'a b': '1' } })).toThrow(
      /invalid header name/,
    );
  });
});
