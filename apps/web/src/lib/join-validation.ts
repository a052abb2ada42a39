/**
 * Checks a nick and a room with the contract's own schemas, so the form refuses exactly what
 * the server would refuse, with the contract's sentences.
 */
import { ERROR_CODES, nickSchema, roomSchema } from '@draftbridge/shared-types';

/** Problems with a join form, by field; empty when it can be sent. */
export interface JoinProblems {
  readonly nick?: string;
  readonly room?: string;
}

/** Validates a nick and a room as the server will. */
export function validateJoin(nick: string, room: string): JoinProblems {
  return {
    ...(nickSchema.safeParse(nick).success ? {} : { nick: ERROR_CODES.invalid_nick }),
    ...(roomSchema.safeParse(room).success ? {} : { room: ERROR_CODES.invalid_room }),
  };
}

/** Tells whether a join form has no problems. */
export function isJoinValid(problems: JoinProblems): boolean {
  return problems.nick === undefined && problems.room === undefined;
}
