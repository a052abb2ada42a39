/**
 * faye-websocket serves hybi-07, hixie-76 and hixie-75 (and any protocol forced onto it with
 * `?engine=faye-websocket`).
 *
 * Three details. websocket-driver serves hybi at version 13 only, but hybi-07 and hybi-08
 * frame and compute Sec-WebSocket-Accept exactly as 13 does, so the driver is shown a request
 * whose version reads 13 while the chat is told the truth. The drafts need websocket-driver
 * 0.7.x (0.8 serves them only with `allowDrafts`, which faye never passes): the root
 * package.json pins it. And faye's public `close()` takes only 1000 and 3000-4999, so 1001,
 * 1008 and 1009 go through the driver, which also does the drafts' closing: `0xFF 0x00` on
 * hixie-76 (draft-hixie-76 §5.3), a plain TCP close on hixie-75. Draft frames after the
 * handshake are read by hixie-reader.ts, not by the driver (why: see there).
 */
import type { IncomingMessage } from 'node:http';
import FayeWebSocket from 'faye-websocket';
import type { AcceptCallbacks, EngineAdapter, EngineContext } from './engine.js';
import { EngineConnection } from './engine-connection.js';
import { createHixieReader } from './hixie-reader.js';

// The driver reads `request.headers`; a child object with other headers leaves the original alone.
function withHybiVersion13(request: IncomingMessage): IncomingMessage {
  const headers = { ...request.headers, 'sec-websocket-version': '13' };
  return Object.create(request, { headers: { value: headers } }) as IncomingMessage;
}

// The key3 body still goes through the driver, byte by byte, so that it stops at the last
// byte of the handshake (draft-76 §5.2); every later byte goes to the reader, in any chunk.
function readHixieFrames(ws: FayeWebSocket, draft: 75 | 76, maxMessageBytes: number): void {
  const driver = ws._driver;
  const handshake = driver.parse.bind(driver);
  const read = createHixieReader(draft, maxMessageBytes, {
    text: (data) => driver.emit('message', { data }),
    close: () => driver.close(),
    tooLarge: () => driver.close(),
  });
  driver.parse = (chunk) => {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let offset = 0;
    for (; driver.readyState === 0 && offset < bytes.length; offset += 1) {
      handshake(bytes.subarray(offset, offset + 1));
    }
    if (driver.readyState === 1 && offset < bytes.length) read(bytes.subarray(offset));
  };
}

function accept(context: EngineContext, callbacks: AcceptCallbacks): void {
  const { request, socket, head, decision, limits } = context;
  const isHybi = decision.protocol !== 'hixie-76' && decision.protocol !== 'hixie-75';
  const engineRequest = isHybi ? withHybiVersion13(request) : request;
  const ws = new FayeWebSocket(engineRequest, socket, head, [], {
    maxLength: limits.maxMessageBytes,
    // Seconds; the driver sends pings on hybi only, the drafts have no ping frame.
    ...(isHybi ? { ping: Math.max(1, Math.round(limits.keepaliveIntervalMs / 1000)) } : {}),
  });
  if (!isHybi) {
    readHixieFrames(ws, decision.protocol === 'hixie-76' ? 76 : 75, limits.maxMessageBytes);
  }
  const connection = new EngineConnection(
    socket,
    decision,
    request.headers,
    {
      isEngineOpen: () => ws.readyState === 1 && ws._driver.readyState === 1,
      closeEngine: (code, reason) => {
        ws._driver.close(reason, code);
      },
      engineBuffered: () => ws.bufferedAmount,
    },
    limits.closeTimeoutMs,
  );
  const { protocol } = decision;
  // Held only until the outcome is known, so an open connection does not keep the router's
  // handshake state (request, head, the parsed URL) alive for its whole life.
  let pending: AcceptCallbacks | undefined = callbacks;
  ws.on('open', () => {
    const opened = pending;
    pending = undefined;
    opened?.onOpen(connection);
  });
  ws.on('message', (event) => {
    if (typeof event.data === 'string') connection.receiveText(event.data);
    else connection.receiveBinary(event.data);
  });
  ws.on('error', (event) =>
    connection.receiveError(new Error(event.message ?? 'faye-websocket error')),
  );
  ws.on('close', (event) => {
    if (pending !== undefined) {
      pending.onFail(new Error('The handshake did not complete.'));
      pending = undefined;
      return;
    }
    // The drafts carry no close code: an orderly close reports 1000. hixie-75 has no closing
    // handshake at all, so the end of the TCP connection is its orderly close.
    const code =
      protocol === 'hixie-75' && event.code === 1006
        ? 1000
        : (event.code ?? (isHybi ? 1005 : 1000));
    connection.closed(code, event.reason ?? '');
  });
}

/** The faye-websocket adapter. */
export const fayeWebSocketEngine: EngineAdapter = { name: 'faye-websocket', accept };
