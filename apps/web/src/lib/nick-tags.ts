/**
 * Tags that tell apart members who show the same nick: two tabs of one person, the two legs
 * of a compare view, two people who both picked "ann". The server lets nicks repeat, and only
 * the member id is unique, so a tag is the shortest prefix of the id (at least
 * NICK_TAG_MIN_LENGTH characters) that no other member with that nick shares.
 */
import type { Member } from '@draftbridge/shared-types';
import { NICK_TAG_MIN_LENGTH } from './constants.js';

/** The tag of a member, or null unless two or more present members show its nick. */
export type NickTagger = (member: Pick<Member, 'id' | 'nick'>) => string | null;

// Nicks that differ only in case or Unicode form look alike on screen.
function nickKey(nick: string): string {
  return nick.normalize('NFKC').toLowerCase();
}

function compactId(id: string): string {
  return id.replace(/[^\p{L}\p{N}]/gu, '') || id;
}

function shortestUniquePrefix(id: string, others: readonly string[]): string {
  for (let length = NICK_TAG_MIN_LENGTH; length < id.length; length += 1) {
    const prefix = id.slice(0, length);
    if (others.every((other) => !other.startsWith(prefix))) return prefix;
  }
  return id;
}

/** Builds the tagger for the members present in a room; a sender who left is tagged against them. */
export function createNickTagger(present: readonly Member[]): NickTagger {
  const idsByNick = new Map<string, Set<string>>();
  for (const member of present) {
    const key = nickKey(member.nick);
    const ids = idsByNick.get(key) ?? new Set<string>();
    ids.add(member.id);
    idsByNick.set(key, ids);
  }
  return (member) => {
    // Only two present members with one nick need telling apart: a member who reconnected
    // has a new id, and their earlier messages stay untagged while the nick is theirs alone.
    const ids = idsByNick.get(nickKey(member.nick));
    if (ids === undefined || ids.size < 2) return null;
    const others = [...ids].filter((id) => id !== member.id).map(compactId);
    return shortestUniquePrefix(compactId(member.id), others);
  };
}
