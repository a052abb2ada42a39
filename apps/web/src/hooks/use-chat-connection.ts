/**
 * Binds a chat connection to a component: one connection per (room, nick, client), opened on
 * mount and closed on unmount; a change of path moves the same connection, so pending
 * messages and the seen seq survive the switch.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import {
  type ChatConnection,
  type ConnectionSnapshot,
  createChatConnection,
} from '../lib/chat-connection.js';
import { type ChatPath, createEndpointUrl, serializeChatPath } from '../lib/chat-path.js';
import { useConnectionEnvironment } from './connection-environment.js';

/** Who joins where, and by which path. */
export interface ChatConnectionConfig {
  readonly room: string;
  readonly nick: string;
  readonly clientId: string;
  readonly path: ChatPath;
}

const noSubscription = () => () => {};
const noSnapshot = () => null;

/** The connection and its latest snapshot (null until the connection exists). */
export function useChatConnection(config: ChatConnectionConfig): {
  readonly connection: ChatConnection | null;
  readonly snapshot: ConnectionSnapshot | null;
} {
  const environment = useConnectionEnvironment();
  const environmentRef = useRef(environment);
  const pathRef = useRef(config.path);
  pathRef.current = config.path;
  const [connection, setConnection] = useState<ChatConnection | null>(null);
  const { room, nick, clientId } = config;

  useEffect(() => {
    const { createSocket, network, page } = environmentRef.current;
    const created = createChatConnection({
      room,
      nick,
      clientId,
      path: pathRef.current,
      createSocket,
      network,
      urlFor: (path) => createEndpointUrl(path, page),
    });
    created.start();
    setConnection(created);
    return () => created.stop();
  }, [room, nick, clientId]);

  const pathKey = serializeChatPath(config.path);
  useEffect(() => {
    if (connection === null) return;
    if (serializeChatPath(connection.getSnapshot().path) === pathKey) return;
    connection.setPath(pathRef.current);
  }, [connection, pathKey]);

  const subscribe = useMemo(
    () => (connection === null ? noSubscription : connection.subscribe),
    [connection],
  );
  const getSnapshot = connection === null ? noSnapshot : connection.getSnapshot;
  const snapshot = useSyncExternalStore(subscribe, getSnapshot);
  return { connection, snapshot };
}
