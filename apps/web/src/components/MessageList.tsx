import { type ReactNode, useCallback, useEffect, useMemo, useRef } from 'react';
import type { ChatState, Notice } from '../lib/chat-state.js';
import { createNickTagger } from '../lib/nick-tags.js';
import { MessageItem } from './MessageItem.js';
import { NoticeItem } from './NoticeItem.js';
import { PendingItem } from './PendingItem.js';

// Within this many pixels of the bottom the list follows new messages; further up, the
// reader is reading history and is left alone.
const FOLLOW_THRESHOLD_PX = 80;

function noticesUpTo(notices: readonly Notice[], from: number, below: number): Notice[] {
  return notices.filter((notice) => notice.afterSeq >= from && notice.afterSeq < below);
}

/** The room's stream: messages by seq with join and leave notices between them, then pending ones. */
export function MessageList({
  chat,
  clientId,
  nick,
  label,
}: {
  readonly chat: ChatState;
  readonly clientId: string;
  readonly nick: string;
  readonly label: string;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const followRef = useRef(true);

  const onScroll = () => {
    const list = listRef.current;
    if (list === null) return;
    followRef.current =
      list.scrollHeight - list.scrollTop - list.clientHeight < FOLLOW_THRESHOLD_PX;
  };

  const tagOf = useMemo(() => createNickTagger(chat.members), [chat.members]);

  // Follow the list whenever what it shows changes, not only its count: a pending message
  // replaced by its acknowledged copy, a notice, a nick tag can each change its height.
  // biome-ignore lint/correctness/useExhaustiveDependencies: these are what the list renders.
  useEffect(() => {
    const list = listRef.current;
    if (list !== null && followRef.current) list.scrollTop = list.scrollHeight;
  }, [chat.messages, chat.notices, chat.pending, chat.members]);

  // The list also shrinks and grows with the window (a phone turned, a drawer opened): a
  // reader at the bottom stays at the bottom.
  const attachList = useCallback((list: HTMLOListElement | null) => {
    listRef.current = list;
    if (list === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (followRef.current) list.scrollTop = list.scrollHeight;
    });
    observer.observe(list);
    return () => {
      observer.disconnect();
      listRef.current = null;
    };
  }, []);

  if (chat.self === null && chat.messages.length === 0) {
    return (
      <p className="list-state" role="status">
        Joining the room…
      </p>
    );
  }

  const items: ReactNode[] = [];
  const firstSeq = chat.messages[0]?.seq ?? Number.POSITIVE_INFINITY;
  for (const notice of noticesUpTo(chat.notices, Number.NEGATIVE_INFINITY, firstSeq)) {
    items.push(<NoticeItem key={notice.key} notice={notice} tag={tagOf(notice.member)} />);
  }
  chat.messages.forEach((message, index) => {
    items.push(
      <MessageItem
        key={message.seq}
        message={message}
        own={message.client === clientId}
        tag={tagOf(message.from)}
      />,
    );
    const next = chat.messages[index + 1]?.seq ?? Number.POSITIVE_INFINITY;
    for (const notice of noticesUpTo(chat.notices, message.seq, next)) {
      items.push(<NoticeItem key={notice.key} notice={notice} tag={tagOf(notice.member)} />);
    }
  });
  for (const pending of chat.pending) {
    items.push(<PendingItem key={pending.id} pending={pending} nick={nick} />);
  }

  return (
    <>
      {chat.truncated ? (
        <p className="list-state list-state--warning" role="status">
          Some older messages were no longer kept by the server while this tab was away.
        </p>
      ) : null}
      {chat.messages.length === 0 && chat.pending.length === 0 ? (
        <p className="list-state">No messages yet. Say hello!</p>
      ) : null}
      <ol
        className="message-list"
        role="log"
        aria-label={label}
        ref={attachList}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must be able to focus it.
        tabIndex={0}
        onScroll={onScroll}
      >
        {items}
      </ol>
    </>
  );
}
