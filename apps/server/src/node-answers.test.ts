/**
 * Requests Node's own parser refuses never reach our handler; Node would answer them itself,
 * bare. Ours answer with the same security headers as every response (SECURITY.md).
 */
import { connectRaw } from '@draftbridge/protocol-router/testing';
import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from './http-handler.js';
import { useTestServer } from './test-support/test-server.js';

const t = useTestServer();

async function answerTo(bytes: string): Promise<string> {
  const peer = await connectRaw(t.port, bytes);
  await peer.closed();
  return peer.received().toString('latin1');
}

describe("the answers Node's parser would give", () => {
  it.each([
    [
      'headers past 16 KiB',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
      431,
    ],
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400],
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost x\r\n\r\n', 400],
  ])('answers %s with %i and the security headers, then closes', async (_name, bytes, status) => {
    const answer = await answerTo(bytes);
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(answer).toContain(`${name}: ${value}`);
    }
    expect(answer).toContain('Connection: close');
  });
});
