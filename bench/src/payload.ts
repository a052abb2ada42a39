/**
 * The benchmark's message text: a send timestamp and the sender's numbers, padded to a fixed
 * length. The same text travels bare through the naive peers and inside draftbridge's JSON
 * `message`, so one search for the `|t=` marker finds the timestamp in both.
 */
import { MESSAGE_TEXT_BYTES } from './constants.js';

const MARKER = Buffer.from('|t=', 'latin1');
const FIELD_END = 0x3b; // ';'

/** A message text of MESSAGE_TEXT_BYTES ASCII bytes carrying `sentAt` (generator ms). */
export function createMessageText(sender: number, seq: number, sentAt: number): string {
  return `|t=${sentAt.toFixed(3)};s=${sender};n=${seq};`.padEnd(MESSAGE_TEXT_BYTES, 'x');
}

/** The send timestamp inside a received payload, or null when it carries none. */
export function readSentAt(payload: Buffer): number | null {
  const start = payload.indexOf(MARKER);
  if (start === -1) return null;
  const valueStart = start + MARKER.length;
  const end = payload.indexOf(FIELD_END, valueStart);
  if (end === -1) return null;
  const value = Number(payload.toString('latin1', valueStart, end));
  return Number.isFinite(value) ? value : null;
}
