import { answerDraft76Challenge } from '@draftbridge/protocol-router';
import { describe, expect, it } from 'vitest';
import {
  computeRfc6455Accept,
  createHandshakeRequest,
  parseHandshakeResponse,
} from './handshake.js';

function headerOf(request: Buffer, name: string): string {
  const line = request
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

describe('parseHandshakeResponse', () => {
  it('opens an RFC 6455 connection on the right accept and keeps the bytes after it', () => {
    const request = createHandshakeRequest('rfc6455', '127.0.0.1', 1234, '/ws');
    const key = headerOf(request.bytes, 'Sec-WebSocket-Key');
    expect(headerOf(request.bytes, 'Sec-WebSocket-Version')).toBe('13');
    const head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeRfc6455Accept(key)}\r\n\r\n`;
    const response = Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from([0x81, 0x00])]);
    expect(parseHandshakeResponse(request, response.subarray(0, 20))).toEqual({
      state: 'incomplete',
    });
    const result = parseHandshakeResponse(request, response);
    expect(result.state).toBe('open');
    expect(result.state === 'open' && [...result.rest]).toEqual([0x81, 0x00]);
  });

  it('fails on a wrong accept or a refusal', () => {
    const request = createHandshakeRequest('rfc6455', '127.0.0.1', 1234, '/ws');
    const wrong = Buffer.from(
      'HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n',
      'latin1',
    );
    expect(parseHandshakeResponse(request, wrong)).toMatchObject({
      state: 'failed',
      reason: /Accept/,
    });
    const refused = Buffer.from('HTTP/1.1 426 Upgrade Required\r\n\r\n', 'latin1');
    expect(parseHandshakeResponse(request, refused)).toMatchObject({
      state: 'failed',
      reason: /426/,
    });
  });

  it('opens a hixie-76 connection once the 16-byte answer has arrived', () => {
    const request = createHandshakeRequest('hixie76', '127.0.0.1', 1234, '/ws');
    const key3 = request.bytes.subarray(request.bytes.length - 8);
    const answer = answerDraft76Challenge(
      headerOf(request.bytes, 'Sec-WebSocket-Key1'),
      headerOf(request.bytes, 'Sec-WebSocket-Key2'),
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
    expect(parseHandshakeResponse(request, response.subarray(0, head.length + 10))).toEqual({
      state: 'incomplete',
    });
    const result = parseHandshakeResponse(request, response);
    expect(result.state === 'open' && [...result.rest]).toEqual([0x00, 0x41, 0xff]);
    const wrong = Buffer.concat([head, Buffer.alloc(16)]);
    expect(parseHandshakeResponse(request, wrong)).toMatchObject({
      state: 'failed',
      reason: /answer/,
    });
  });
});
