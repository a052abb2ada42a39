/**
 * The router names protocols and engines in its table (it imports nothing of the chat); the
 * contract names them in @draftbridge/shared-types for clients. The server joins the two, so
 * here they must agree: adding a protocol or an engine to one and not the other fails.
 */
import { ENGINES, PROTOCOL_TABLE, PROTOCOLS } from '@draftbridge/protocol-router';
import {
  ENGINE_LABELS,
  ENGINE_NAMES,
  PROTOCOL_IDS,
  PROTOCOL_LABELS,
} from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';

describe('the protocol and engine tables', () => {
  it('name the same protocols in the router and the contract, in the same order', () => {
    expect([...PROTOCOLS]).toEqual([...PROTOCOL_IDS]);
    expect(Object.keys(PROTOCOL_LABELS)).toEqual([...PROTOCOL_IDS]);
  });

  it('name the same engines, and every default engine is one of them', () => {
    expect([...ENGINES]).toEqual([...ENGINE_NAMES]);
    expect(Object.keys(ENGINE_LABELS)).toEqual([...ENGINE_NAMES]);
    for (const id of PROTOCOLS) {
      expect(ENGINE_NAMES).toContain(PROTOCOL_TABLE[id].defaultEngine);
    }
  });
});
