import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../protocols.js';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { eventually } from './eventually.js';
import { openRawSession } from './raw-session.js';
import { DRAFT76_EXAMPLE, requestHead, upgradeHead, upgradeRequest } from './requests.js';

let server: EchoRouter;
beforeAll(async () => {
  server = await startEchoRouter();
});
afterAll(() => server.stop());

describe('upgrade requests', () => {
  it('carries the draft-76 example keys, and key3 only in the whole request', () => {
    const head = upgradeHead('hixie-76', 8080, { origin: 'http://o.example' });
    expect(head).toContain(`Sec-WebSocket-Key1: ${DRAFT76_EXAMPLE.key1}\r\n`);
    expect(head).toContain(`Sec-WebSocket-Key2: ${DRAFT76_EXAMPLE.key2}\r\n`);
    expect(head).toContain('Host: 127.0.0.1:8080\r\nOrigin: http://o.example\r\n');
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    const whole = upgradeRequest('hixie-76', 8080);
    expect(whole.subarray(whole.length - 8)).toEqual(DRAFT76_EXAMPLE.key3);
    expect(upgradeHead('hixie-75', 8080)).not.toContain('Key1');
    expect(upgradeRequest('hixie-75', 8080).toString('latin1')).toBe(upgradeHead('hixie-75', 8080));
  });

  it('writes repeated headers in the order given', () => {
    expect(
      requestHead('/x', [
        ['A', '1'],
        ['A', '2'],
      ]),
    ).toBe('GET /x HTTP/1.1\r\nA: 1\r\nA: 2\r\n\r\n');
    expect(requestHead('/x', { B: '3' })).toBe('GET /x HTTP/1.1\r\nB: 3\r\n\r\n');
  });
});

describe('openRawSession', () => {
  it.each(PROTOCOLS)('shakes hands on %s and reads the server’s frames back', async (protocol) => {
    const session = await openRawSession(server.port, protocol);
    session.sendText('{"n":1}');
    await session.waitForFrame((f) => f.kind === 'text' && f.text === 'echo:{"n":1}');
    session.sendText('close:1000');
    // The drafts' close is 0xFF 0x00 on 76 and a bare TCP close on 75.
    if (protocol === 'hixie-75') await session.peer.closed();
    else await session.waitForFrame((f) => f.kind === 'close');
    expect(session.frames()).toEqual([
      { kind: 'text', text: 'echo:{"n":1}' },
      ...(protocol === 'hixie-75'
        ? []
        : [{ kind: 'close', code: protocol === 'hixie-76' ? undefined : 1000 }]),
    ]);
    session.peer.socket.destroy();
  });
});

describe('eventually', () => {
  it('waits through false and thrown checks, and passes on anything else', async () => {
    let calls = 0;
    await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return calls < 5 ? false : undefined;
    });
    expect(calls).toBe(5);
    await eventually(async () => true);
  });

  it('rejects with the last error, or says the condition was not met', async () => {
    await expect(
      eventually(() => {
        throw new Error('still broken');
      }, 50),
    ).rejects.toThrow('still broken');
    await expect(eventually(() => false, 50)).rejects.toThrow('condition not met in time');
  });
});
