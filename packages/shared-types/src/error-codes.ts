/**
 * The `code` of every `error` message the server may send (docs/PROTOCOL.md, "Messages").
 */

/** Every wire error code, each with the sentence a client may show. */
export const ERROR_CODES = {
  bad_json: 'The frame is not valid JSON.',
  bad_message: 'The message is not one the server understands.',
  invalid_room: 'A room is 1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit.',
  invalid_nick:
    'A nick is 1 to 24 characters after trimming, visible, with no control, format or blank characters.',
  not_joined: 'Join a room first.',
  already_joined: 'This connection has joined a room already.',
  too_large: 'The message is too large.',
  rate_limited: 'Too many messages: slow down.',
  binary_unsupported: 'Binary frames are not supported: send text.',
  unavailable: 'The chat is briefly unavailable and the message was not sent: send it again.',
  room_full: 'The room is full: try another room, or later.',
} as const;

/** One wire error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Tells whether a string is a wire error code. */
export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
