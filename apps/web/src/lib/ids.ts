/**
 * Random ids for clients and messages. `crypto.getRandomValues` works on plain `http:` pages
 * too (a projector laptop reached by its LAN address), unlike `crypto.randomUUID`.
 */

const ID_BYTES = 8;

/** A random id of 16 hex digits, with an optional prefix. */
export function createRandomId(prefix = ''): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}${hex}`;
}
