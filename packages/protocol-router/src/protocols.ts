/**
 * The protocol table: every protocol the router recognises and the facts that tell it apart
 * (docs/PROTOCOL.md, "Protocols and engines"). Everything else about protocols is derived from
 * it: the versions a 426 lists, how a version header maps to a protocol, which frame layout a
 * connection writes, and which engine serves a protocol by default. Which engines *can* serve a
 * protocol is said by each engine adapter (`serves`, engines/index.ts), so that adding an engine
 * touches no row here.
 *
 * The chat's copy of these names lives in @draftbridge/shared-types (the router moves frames,
 * not chat messages, so it imports nothing of the chat); a server test keeps the two equal.
 */

/** How server frames are laid out: RFC 6455 §5.2 (the hybi drafts frame the same way) or `0x00 … 0xFF`. */
export type FrameFamily = 'hybi' | 'hixie';

/** One row of the protocol table. */
export interface ProtocolSpec {
  /** `Sec-WebSocket-Version` of the handshake; the drafts send none. */
  readonly version: string | undefined;
  /** The frame layout. */
  readonly family: FrameFamily;
  /** The engine that serves it unless `?engine=` asks for another. */
  readonly defaultEngine: string;
  /** Where it is specified, for people reading logs and docs. */
  readonly spec: string;
}

/** Every protocol the router recognises, newest first. */
export const PROTOCOL_TABLE = {
  rfc6455: { version: '13', family: 'hybi', defaultEngine: 'websocket', spec: 'RFC 6455' },
  'hybi-08': {
    version: '8',
    family: 'hybi',
    defaultEngine: 'websocket',
    spec: 'draft-ietf-hybi-thewebsocketprotocol-08',
  },
  'hybi-07': {
    version: '7',
    family: 'hybi',
    defaultEngine: 'faye-websocket',
    spec: 'draft-ietf-hybi-thewebsocketprotocol-07',
  },
  'hixie-76': {
    version: undefined,
    family: 'hixie',
    defaultEngine: 'faye-websocket',
    spec: 'draft-hixie-thewebsocketprotocol-76',
  },
  'hixie-75': {
    version: undefined,
    family: 'hixie',
    defaultEngine: 'faye-websocket',
    spec: 'draft-hixie-thewebsocketprotocol-75',
  },
} as const satisfies Readonly<Record<string, ProtocolSpec>>;

/** One protocol id. */
export type Protocol = keyof typeof PROTOCOL_TABLE;

/** Every protocol id, newest first. */
export const PROTOCOLS = Object.keys(PROTOCOL_TABLE) as readonly Protocol[];

/** The name of an engine in the registry (engines/index.ts), e.g. `websocket`. */
export type Engine = string;

/** The `Sec-WebSocket-Version` values the router serves, newest first (RFC 6455 §4.2.2 lists them in a 426). */
export const SUPPORTED_VERSIONS: readonly string[] = PROTOCOLS.flatMap((id) => {
  const { version } = PROTOCOL_TABLE[id];
  return version === undefined ? [] : [version];
});

const BY_VERSION = new Map<string, Protocol>(
  PROTOCOLS.flatMap((id) => {
    const { version } = PROTOCOL_TABLE[id];
    return version === undefined ? [] : [[version, id] as const];
  }),
);

/** The protocol a `Sec-WebSocket-Version` names, if the router serves it. */
export function protocolOfVersion(version: string): Protocol | undefined {
  return BY_VERSION.get(version);
}

/** The frame layout of a protocol. */
export function frameFamilyOf(protocol: Protocol): FrameFamily {
  return PROTOCOL_TABLE[protocol].family;
}
