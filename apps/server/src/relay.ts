/**
 * The legacy relay (docs/PROTOCOL.md, `/relay`): a browser speaks RFC 6455 to `/relay?draft=76`,
 * and the server opens a genuine hixie-76 (or hixie-75) connection to its own `/ws` over
 * loopback, with the router package's hixie client, and pipes chat frames both ways.
 *
 * Design notes.
 * - The target is the server's own listening address, fixed when the relay is created; no
 *   part of the request (query, Host, headers) can point the relay anywhere else.
 * - The `/ws` leg is marked `relay: true` because it carries a per-process random secret in a
 *   header and comes from a loopback address. An outside client cannot know the secret, so it
 *   cannot claim to be a relay leg.
 * - With `trace=1` every frame the hixie client writes or reads is also sent to the browser as
 *   a `wire` message holding its exact bytes, so a page can show `00 ... FF` on the wire.
 * - Closing either side closes the other; text the browser sends before the hixie leg is open
 *   waits in a short queue.
 * - Backpressure crosses the relay. The leg reads as fast as its server writes, so a browser
 *   that stops reading would otherwise have everything the room says piled up in the server
 *   for it. When the browser's backlog passes `LEG_PAUSE_BYTES` the leg stops reading (and
 *   the server's side of the leg, which then cannot write, is bounded like every connection);
 *   it reads again when the browser drains. Past the slow-reader bound the router drops the
 *   browser, and the leg goes with it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  CLOSE_CODES,
  type Connection,
  connectHixie,
  type HixieClient,
  type HixieDraft,
} from '@draftbridge/protocol-router';
import type { WireMessage } from '@draftbridge/shared-types';
import { serializeError } from './chat/serialize.js';
import { PRODUCT_NAME } from './constants.js';
import type { Logger } from './logger.js';
import { isDescriptorExhaustion } from './resource-watch.js';

/** The header that carries the relay secret on the `/ws` leg. */
export const RELAY_SECRET_HEADER = `x-${PRODUCT_NAME}-relay`;

// Text the browser may send before the hixie leg is open; more is refused with a close.
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
  /** Called when a hixie leg opens (+1) or closes (-1). */
  readonly onLegChange?: (delta: 1 | -1) => void;
  /** Told why a leg could not be opened; true when the server is short of resources. */
  readonly onLegError?: (error: unknown) => boolean;
}

/** The server's relay: pipes browser connections onto hixie legs and recognises those legs. */
export interface Relay {
  /** Starts relaying one browser connection that arrived on `/relay`. */
  relay(browser: Connection): void;
  /** True when a `/ws` request is a leg this relay opened. */
  isRelayLeg(headers: IncomingHttpHeaders, remoteAddress: string): boolean;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

function draftOf(query: URLSearchParams): HixieDraft | undefined {
  const draft = query.get('draft') ?? '76';
  if (draft === '76') return 76;
  if (draft === '75') return 75;
  return undefined;
}

/** Creates the relay of one server. */
export function createRelay(options: RelayOptions): Relay {
  const secret = randomBytes(32).toString('hex');
  const secretBytes = Buffer.from(secret);

  function isRelayLeg(headers: IncomingHttpHeaders, remoteAddress: string): boolean {
    const value = headers[RELAY_SECRET_HEADER];
    if (typeof value !== 'string' || !LOOPBACK.test(remoteAddress)) return false;
    const given = Buffer.from(value);
    return given.length === secretBytes.length && timingSafeEqual(given, secretBytes);
  }

  function relay(browser: Connection): void {
    const draft = draftOf(browser.query);
    if (draft === undefined) {
      browser.close(CLOSE_CODES.policyViolation, 'draft must be 75 or 76');
      return;
    }
    const protocol = draft === 76 ? 'hixie-76' : 'hixie-75';
    const trace = browser.query.get('trace') === '1';
    const early: string[] = [];
    let leg: HixieClient | undefined;
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

    connectHixie({
      url: options.target(),
      draft,
      headers: { [RELAY_SECRET_HEADER]: secret },
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
        options.logger.warn({ err: error }, 'relay could not open its hixie leg');
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
