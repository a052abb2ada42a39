/**
 * One handshake attempt on a raw socket, as the hardening tests see it: the bytes go out (in
 * chunks, to exercise the parser's partial states), then the test waits for what a correct
 * server must do: answer with an HTTP head, or close the socket in time. A `101` is checked
 * for what the protocol requires (RFC 6455 §4.2.2 accept value, draft-hixie-76 §5.2 answer)
 * and then used: a text frame must come back as its echo.
 */
import { createHash } from 'node:crypto';
import { RFC6455_GUID } from '../constants.js';
import { clientFrame, connectRaw, endOfHead } from '../testing/index.js';

/** What the peer sent. */
export interface HandshakeCase {
  /** Written in order, each chunk in its own write. */
  readonly chunks: readonly Buffer[];
  /** The `Sec-WebSocket-Key` values sent (after the trimming any HTTP parser does). */
  readonly hybiKeys: readonly string[];
  /** Expected 16-byte draft-76 answer when the request carried valid keys and a whole key3. */
  readonly draft76Answer?: Buffer;
}

/** What came back. */
export interface HandshakeOutcome {
  /** The status of the response, when a whole response head arrived. */
  readonly status: number | undefined;
  /** The response head as text. */
  readonly head: string;
  /** True when the server closed the socket before the test gave up. */
  readonly closed: boolean;
  /** Ms from the last write until the close (or the head, for a `101` that stays open). */
  readonly elapsedMs: number;
  /** For a `101`: which family answered, and whether the echo came back. */
  readonly opened?: { readonly family: 'hybi' | 'hixie-76' | 'hixie-75'; readonly echoed: boolean };
  /** Problems found with the answer; empty when it is correct. */
  readonly problems: readonly string[];
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n/;

function familyOf(head: string): 'hybi' | 'hixie-76' | 'hixie-75' | undefined {
  if (/\r\nSec-WebSocket-Accept: /i.test(head)) return 'hybi';
  if (/\r\nSec-WebSocket-Location: /i.test(head)) return 'hixie-76';
  if (/\r\nWebSocket-Location: /i.test(head)) return 'hixie-75';
  return undefined;
}

const acceptOf = (key: string) =>
  createHash('sha1').update(`${key}${RFC6455_GUID}`).digest('base64');

/**
 * Runs one case against 127.0.0.1:port. `closeWithinMs` bounds how long a refused or stalled
 * socket may stay open after the last byte was written.
 */
export async function runHandshake(
  port: number,
  testCase: HandshakeCase,
  closeWithinMs: number,
): Promise<HandshakeOutcome> {
  // A connection that is not even accepted in time is a finding, not a hang of the test.
  const peer = await Promise.race([
    connectRaw(port),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no TCP connection in ${closeWithinMs} ms`)),
        closeWithinMs,
      ),
    ),
  ]);
  const problems: string[] = [];
  try {
    for (const chunk of testCase.chunks) {
      if (peer.socket.destroyed) break;
      peer.socket.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const start = Date.now();
    const isClosed = () => peer.socket.destroyed;
    // A head, or the close, whichever comes first.
    await peer.waitFor((d) => endOfHead(d) > 0 || isClosed(), closeWithinMs).catch(() => {});
    const data = peer.received();
    const headEnd = endOfHead(data);
    const head = headEnd > 0 ? data.subarray(0, headEnd).toString('latin1') : '';
    const statusMatch = STATUS_LINE.exec(head);
    const status = statusMatch ? Number(statusMatch[1]) : undefined;

    if (headEnd < 0) {
      const closed = await peer.closed(closeWithinMs).then(
        () => true,
        () => false,
      );
      if (!closed) problems.push('neither an answer nor a close in time');
      if (data.length > 0) problems.push(`bytes that are no HTTP head: ${data.length}`);
      return { status, head, closed, elapsedMs: Date.now() - start, problems };
    }
    if (status === undefined) problems.push(`not an HTTP status line: ${head.slice(0, 40)}`);

    if (status !== 101) {
      // Refused: the socket must not linger. A plain 200 answer keeps the connection alive.
      const closed =
        status === 200 ||
        (await peer.closed(closeWithinMs).then(
          () => true,
          () => false,
        ));
      if (!closed) problems.push(`${status} without a close in time`);
      return { status, head, closed, elapsedMs: Date.now() - start, problems };
    }

    const family = familyOf(head);
    if (family === undefined) problems.push('101 without any protocol header');
    if (family === 'hybi') {
      const accept = /\r\nSec-WebSocket-Accept: ([^\r\n]*)/i.exec(head)?.[1];
      if (!testCase.hybiKeys.some((key) => acceptOf(key) === accept)) {
        problems.push(`Sec-WebSocket-Accept ${accept} answers none of the keys sent`);
      }
    }
    let bodyStart = headEnd;
    if (family === 'hixie-76') {
      if (testCase.draft76Answer === undefined) {
        // No whole key3: the server must not answer, and must drop the socket at the timeout.
        const closed = await peer.closed(closeWithinMs).then(
          () => true,
          () => false,
        );
        if (!closed) problems.push('hixie-76 without key3 still open after the timeout');
        if (peer.received().length > headEnd) problems.push('hixie-76 answered without key3');
        return { status, head, closed, elapsedMs: Date.now() - start, problems };
      }
      const answered = await peer
        .waitFor((d) => d.length >= headEnd + 16, closeWithinMs)
        .catch(() => peer.received());
      const answer = answered.subarray(headEnd, headEnd + 16);
      if (!answer.equals(testCase.draft76Answer)) problems.push('wrong draft-76 answer');
      bodyStart = headEnd + 16;
    }
    const echoed = await echoes(peer, family ?? 'hybi', bodyStart, closeWithinMs);
    // Bytes sent after a draft handshake (a key3 left on a request that lost its keys, say)
    // are frames to the server: a type byte with the high bit clear opens a frame that only a
    // later 0xFF ends (draft-hixie-76 §5.3), so the probe may rightly be read into it.
    const inUnfinishedFrame =
      family?.startsWith('hixie') && draftBytesAfterHandshake(testCase, family) > 0;
    if (!echoed && !inUnfinishedFrame)
      problems.push(`${family} connection opened but did not echo`);
    return {
      status,
      head,
      closed: isClosed(),
      elapsedMs: Date.now() - start,
      ...(family === undefined ? {} : { opened: { family, echoed } }),
      problems,
    };
  } finally {
    peer.socket.destroy();
  }
}

// How many bytes the case sent past the end of a draft handshake (head, and key3 on draft-76).
function draftBytesAfterHandshake(testCase: HandshakeCase, family: string): number {
  const sent = Buffer.concat(testCase.chunks);
  const headEnd = sent.indexOf('\r\n\r\n');
  if (headEnd === -1) return 0;
  const key3 = family === 'hixie-76' ? 8 : 0;
  return Math.max(0, sent.length - (headEnd + 4) - key3);
}

async function echoes(
  peer: Awaited<ReturnType<typeof connectRaw>>,
  family: 'hybi' | 'hixie-76' | 'hixie-75',
  from: number,
  timeoutMs: number,
): Promise<boolean> {
  const isHybi = family === 'hybi';
  peer.socket.write(
    isHybi
      ? clientFrame(1, Buffer.from('fuzz'))
      : Buffer.from([0x00, ...Buffer.from('fuzz'), 0xff]),
  );
  const expected = isHybi
    ? Buffer.from([0x81, 9, ...Buffer.from('echo:fuzz')])
    : Buffer.from([0x00, ...Buffer.from('echo:fuzz'), 0xff]);
  return peer
    .waitFor((d) => d.subarray(from).includes(expected), timeoutMs)
    .then(
      () => true,
      () => false,
    );
}
