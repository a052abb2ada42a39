/**
 * The opening handshake of the clients that speak on a plain `net.Socket`, or a TLS socket for
 * `wss:` (hixie-75/76, hybi-07): connect, write the request, read the answer byte-exactly as it trickles in, within
 * a time limit. Bytes that follow the answer in the same chunk are frames: they are put back on
 * the paused socket, which resumes only in the macrotask after the promise resolves, so a
 * caller that attaches its listeners right after `await` misses nothing (microtasks run before
 * setImmediate).
 */
import net from 'node:net';
import tls from 'node:tls';

/** Where to connect, what to write, and how to read and judge the answer. */
export interface RawHandshake {
  /** Host name or IP to connect to (IPv6 without brackets). */
  readonly hostname: string;
  readonly port: number;
  /** Speak TLS (a `wss:` URL), trusting `ca` when given instead of Node's own roots. */
  readonly tls?: { readonly ca: string | Buffer | undefined } | undefined;
  /** The request bytes, body included. */
  readonly request: Buffer;
  readonly timeoutMs: number;
  /**
   * Takes the next chunk of the answer: returns the bytes that followed a complete, accepted
   * answer, null while it is incomplete; throws to refuse it.
   */
  read(chunk: Buffer): Buffer | null;
  /** The error for an answer that does not come in time. */
  timedOut(): Error;
  /** The error for a server that closes before answering. */
  closed(): Error;
}

/** A completed raw handshake. */
export interface RawHandshakeResult {
  /** The socket, paused until the macrotask after the promise resolves. */
  readonly socket: net.Socket;
  /** Every byte of the answer, exactly as read, up to the first frame (for tracing). */
  readonly response: Buffer;
}

/**
 * Performs `handshake`; resolves with the paused socket and the answer's bytes, or rejects with
 * the read's, the timeout's or the socket's error.
 */
export function performRawHandshake(handshake: RawHandshake): Promise<RawHandshakeResult> {
  return new Promise((resolve, reject) => {
    const { hostname: host, port } = handshake;
    const socket =
      handshake.tls === undefined
        ? net.connect({ host, port })
        : tls.connect({
            host,
            port,
            ...(net.isIP(host) === 0 ? { servername: host } : {}),
            ...(handshake.tls.ca === undefined ? {} : { ca: handshake.tls.ca }),
          });
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(handshake.timedOut()), handshake.timeoutMs);
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      let rest: Buffer | null;
      try {
        rest = handshake.read(chunk);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (rest === null) return;
      stopListening();
      socket.pause();
      if (rest.length > 0) socket.unshift(rest);
      const received = Buffer.concat(chunks);
      resolve({ socket, response: received.subarray(0, received.length - rest.length) });
      setImmediate(() => socket.resume());
    };
    const onClose = (): void => fail(handshake.closed());
    function stopListening(): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', fail);
      socket.off('close', onClose);
    }
    function fail(error: Error): void {
      stopListening();
      socket.on('error', () => {}); // the socket is discarded; a late error is of no interest
      socket.destroy();
      reject(error);
    }
    socket.on('data', onData);
    socket.on('error', fail);
    socket.on('close', onClose);
    socket.write(handshake.request);
  });
}
