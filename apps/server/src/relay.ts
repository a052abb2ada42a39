/**
 * The legacy relay (docs/PROTOCOL.md, `/relay`): a browser speaks RFC 6455 to
 * `/relay?protocol=hixie-76` (or hixie-75, hybi-07, hybi-08; `draft=76|75` is the older spelling),
 * and the server opens a genuine client of that protocol to its own `/ws` over loopback, with the
 * router package's client kit (WebSocket-Node's client for hybi-08, the kit's hybi framing for
 * hybi-07, its hixie client for the drafts), and pipes chat frames both ways. Every leg is a
 * `ProtocolClient`, so there is one code path whatever the protocol.
 *
 * Design notes.
 * - The target is the server's own listening address, fixed when the relay is created; no
 *   part of the request (query, Host, headers) can point the relay anywhere else.
 * - The `/ws` leg is marked `relay: true` because it carries a per-process random secret in a
 *   header and comes from a loopback address. An outside client cannot know the secret, so it
 *   cannot claim to be a relay leg.
 * - With `trace=1` the leg's opening handshake is sent to the browser first, as a `handshake`
 *   message with its exact bytes (request, draft-76's key3, response, draft-76's answer), the
 *   secret's value alone starred out (a page that knew it could claim relay legs), and
 *   then every frame the leg writes or reads as a `wire` message, so a page can show the draft's
 *   key arithmetic, `00 ... FF`, or a masked hybi frame as they were on the wire.
 * - Closing either side closes the other; text the browser sends before the leg is open
 *   waits in a short queue.
 * - Backpressure crosses the relay. The leg reads as fast as its server writes, so a browser
 *   that stops reading would otherwise have everything the room says piled up in the server
 *   for it. When the browser's backlog passes `LEG_PAUSE_BYTES` the leg stops reading (and
 *   the server's side of the leg, which then cannot write, is bounded like every connection);
 *   it reads again when the browser drains. Past the slow-reader bound the router drops the
 *   browser, and the leg goes with it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CLOSE_CODES,
  type Connection,
  connectClient,
  type HandshakeBytes,
  type ProtocolClient,
} from '@draftbridge/protocol-router';
import {
  DEFAULT_RELAY_PROTOCOL,
  type HandshakeMessage,
  RELAY_PROTOCOL_IDS,
  type RelayProtocolId,
  type WireMessage,
} from '@draftbridge/shared-types';
import { serializeError } from './chat/serialize.js';
import { PRODUCT_NAME } from './constants.js';
import type { Logger } from './logger.js';
import { isDescriptorExhaustion } from './resource-watch.js';

/** The header that carries the relay secret on the `/ws` leg. */
export const RELAY_SECRET_HEADER = `x-${PRODUCT_NAME}-relay`;

// Text the browser may send before the leg is open; more is refused with a close.
const MAX_EARLY_MESSAGES = 64;

/** The browser's backlog past which the leg stops reading until the browser drains. */
export const LEG_PAUSE_BYTES = 64 * 1024;

/** What a relay needs. */
export interface RelayOptions {
  /** `ws://127.0.0.1:PORT/ws`: the server's own chat endpoint. */
  readonly target: () => string;
  readonly handshakeTimeoutMs: number;
  /**
   * Largest frame the leg takes from its own server: the slow-reader bound, since no reader
   * is sent more than that at once (a welcome is a page of history and the members).
   */
  readonly legMaxMessageBytes: number;
  readonly logger: Logger;
  /** Called when a leg opens (+1) or closes (-1). */
  readonly onLegChange?: (delta: 1 | -1) => void;
  /** Told why a leg could not be opened; true when the server is short of resources. */
  readonly onLegError?: (error: unknown) => boolean;
}

/** The server's relay: pipes browser connections onto legs of older protocols and recognises those legs. */
export interface Relay {
  /** Starts relaying one browser connection that arrived on `/relay`. */
  relay(browser: Connection): void;
  /**
   * True when a `/ws` connection is a leg this relay opened: it carries the relay's secret and
   * comes from loopback. The address is read only from a connection that has the secret.
   */
  isRelayLeg(leg: Pick<Connection, 'headers' | 'remoteAddress'>): boolean;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

// The older spelling, `draft=76|75`, of the two drafts.
const DRAFT_PROTOCOLS: Readonly<Record<string, RelayProtocolId>> = {
  '76': 'hixie-76',
  '75': 'hixie-75',
};

function isRelayProtocol(value: string): value is RelayProtocolId {
  return (RELAY_PROTOCOL_IDS as readonly string[]).includes(value);
}

/**
 * The protocol a `/relay` URL asks for: `protocol`, or `draft`, or the default; an error
 * sentence for a value it does not speak or for the two disagreeing.
 */
export function parseRelayProtocol(
  query: URLSearchParams,
): { readonly protocol: RelayProtocolId } | { readonly error: string } {
  const named = query.get('protocol');
  const draft = query.get('draft');
  if (named !== null && !isRelayProtocol(named)) {
    return { error: `protocol must be one of ${RELAY_PROTOCOL_IDS.join(', ')}` };
  }
  const fromDraft = draft === null ? undefined : DRAFT_PROTOCOLS[draft];
  if (draft !== null && fromDraft === undefined) return { error: 'draft must be 75 or 76' };
  if (named !== null && fromDraft !== undefined && named !== fromDraft) {
    return { error: 'protocol and draft disagree' };
  }
  return { protocol: (named as RelayProtocolId | null) ?? fromDraft ?? DEFAULT_RELAY_PROTOCOL };
}

// The star that stands in for each byte of the secret in a traced request head.
const REDACTED = 0x2a;

// The request head with the relay's secret starred out, byte for byte: a page that saw it could
// mark any connection that reaches the server from loopback (a local proxy's) as a relay leg.
function redactSecret(head: Buffer, secret: Buffer): Buffer {
  const redacted = Buffer.from(head);
  const at = redacted.indexOf(secret);
  if (at !== -1) redacted.fill(REDACTED, at, at + secret.length);
  return redacted;
}

function toHandshakeMessage(
  protocol: RelayProtocolId,
  bytes: HandshakeBytes,
  secret: Buffer,
): HandshakeMessage {
  const challenged = protocol === 'hixie-76';
  return {
    type: 'handshake',
    protocol,
    request: redactSecret(bytes.requestHead, secret).toString('base64'),
    ...(challenged ? { key3: bytes.requestBody.toString('base64') } : {}),
    response: bytes.responseHead.toString('base64'),
    ...(challenged ? { answer: bytes.responseBody.toString('base64') } : {}),
  };
}

/** Creates the relay of one server. */
export function createRelay(options: RelayOptions): Relay {
  const secret = randomBytes(32).toString('hex');
  const secretBytes = Buffer.from(secret);

  function isRelayLeg(leg: Pick<Connection, 'headers' | 'remoteAddress'>): boolean {
    const value = leg.headers[RELAY_SECRET_HEADER];
    if (typeof value !== 'string' || !LOOPBACK.test(leg.remoteAddress)) return false;
    const given = Buffer.from(value);
    return given.length === secretBytes.length && timingSafeEqual(given, secretBytes);
  }

  function relay(browser: Connection): void {
    const asked = parseRelayProtocol(browser.query);
    if ('error' in asked) {
      browser.close(CLOSE_CODES.policyViolation, asked.error);
      return;
    }
    const { protocol } = asked;
    const trace = browser.query.get('trace') === '1';
    const early: string[] = [];
    let leg: ProtocolClient | undefined;
    let browserClosed = false;

    const onBrowserText = (text: string) => {
      if (leg !== undefined) {
        leg.send(text);
      } else if (early.length < MAX_EARLY_MESSAGES) {
        early.push(text);
      } else {
        browser.close(CLOSE_CODES.policyViolation, 'relay not ready');
      }
    };
    browser.on('text', onBrowserText);
    // The drafts have no binary frames; the chat answers binary with an error itself, but the
    // relay cannot carry it, so it says so the same way.
    browser.on('binary', () => browser.send(serializeError('binary_unsupported')));
    browser.on('error', () => {});
    browser.on('close', () => {
      browserClosed = true;
      leg?.close();
    });
    let legPaused = false;
    const resumeLeg = () => {
      if (!legPaused || browser.bufferedAmount >= LEG_PAUSE_BYTES) return;
      legPaused = false;
      leg?.socket.resume();
    };
    // The socket drained; or the kernel took a turn's frames at once, and nothing will drain.
    browser.on('drain', resumeLeg);
    browser.on('flush', resumeLeg);

    connectClient({
      protocol,
      url: options.target(),
      headers: { [RELAY_SECRET_HEADER]: secret },
      trace,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      // Frames from our own server are bounded by it: a welcome can be far past the limit on
      // what clients may send.
      maxMessageBytes: options.legMaxMessageBytes,
    }).then(
      (client) => {
        if (browserClosed) {
          client.close();
          return;
        }
        leg = client;
        options.onLegChange?.(1);
        if (client.handshake !== null) {
          const handshake = toHandshakeMessage(protocol, client.handshake, secretBytes);
          browser.send(JSON.stringify(handshake));
        }
        if (trace) {
          client.on('frame', (dir, bytes) => {
            const wire: WireMessage = {
              type: 'wire',
              dir,
              protocol,
              bytes: bytes.toString('base64'),
            };
            browser.send(JSON.stringify(wire));
          });
        }
        // Looked at after every message, not once a turn: a leg resumed after a pause reads
        // megabytes in one turn, which must not all land in the browser's outbox at once.
        client.on('message', (text) => {
          browser.send(text);
          if (legPaused || browser.bufferedAmount < LEG_PAUSE_BYTES) return;
          legPaused = true;
          client.socket.pause();
        });
        client.on('error', (error) => options.logger.warn({ err: error }, 'relay leg error'));
        client.on('close', () => {
          options.onLegChange?.(-1);
          if (!browserClosed) browser.close(CLOSE_CODES.goingAway, 'relay leg closed');
        });
        for (const text of early.splice(0)) client.send(text);
      },
      (error: unknown) => {
        options.logger.warn({ err: error, protocol }, 'relay could not open its leg');
        const busy = options.onLegError?.(error) ?? false;
        // Out of descriptors is a load the browser can wait out: 1013, try again later.
        if (busy || isDescriptorExhaustion(error)) {
          browser.close(CLOSE_CODES.tryAgainLater, 'server busy');
        } else browser.close(CLOSE_CODES.internalError, 'relay leg failed');
      },
    );
  }

  return { relay, isRelayLeg };
}
