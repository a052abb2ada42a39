/**
 * What the browser tests do again and again: open a page, join a room, flip the legacy
 * toggle, send, and read the stream as the page shows it.
 */
import { randomBytes } from 'node:crypto';
import { type Browser, expect, type Locator, type Page } from '@playwright/test';
import { BASE_URL_ENV } from '../constants.js';

/** One message as a page renders it. */
export interface RenderedMessage {
  readonly seq: number;
  readonly id: string;
  readonly nick: string;
  readonly text: string;
  readonly badge: string;
}

/** The URL of a path on the server that global setup started. */
export function appUrl(pathAndQuery = '/'): string {
  const base = process.env[BASE_URL_ENV];
  if (base === undefined) throw new Error(`${BASE_URL_ENV} is not set: global setup did not run`);
  return `${base}${pathAndQuery}`;
}

/** A room no other test uses. */
export function createRoomName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A page in a fresh browser context (its own storage: a separate person). */
export async function openPerson(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** Joins a room from the chat page and waits until the connection is live. */
export async function joinRoom(page: Page, nick: string, room: string): Promise<void> {
  await page.goto(appUrl('/'));
  await page.getByLabel('Nick').fill(nick);
  await page.getByLabel('Room').fill(room);
  await page.getByRole('button', { name: 'Join' }).click();
  await expectLive(page);
}

/** A separate person (see `openPerson`) who has joined `room` as `nick`. */
export async function openPersonInRoom(
  browser: Browser,
  nick: string,
  room: string,
): Promise<Page> {
  const page = await openPerson(browser);
  await joinRoom(page, nick, room);
  return page;
}

/** Waits until the page's connection is live. */
export async function expectLive(page: Page): Promise<void> {
  await expect(page.locator('[data-status]').first()).toHaveAttribute('data-status', 'live');
}

/** Sets the legacy toggle (and the draft) and waits until the server confirms the new path. */
export async function setLegacy(page: Page, draft: '76' | '75' | null): Promise<void> {
  const toggle = page.getByRole('switch', { name: 'Force legacy draft' });
  if (draft === null) {
    await toggle.uncheck();
    await expect(page.getByTestId('path-indicator')).toContainText('RFC 6455 · websocket');
  } else {
    await page.getByLabel('Draft', { exact: true }).selectOption(draft);
    await toggle.check();
    await expect(page.getByTestId('path-indicator')).toContainText(
      `draft-${draft} · faye-websocket · relay`,
    );
  }
  await expectLive(page);
}

/** Types a message in a composer and presses Enter. */
export async function send(page: Page, text: string, composer = /^Message to #/): Promise<void> {
  const input = page.getByLabel(composer);
  await input.fill(text);
  await input.press('Enter');
}

/** The acknowledged messages a page (or one pane of it) shows, in order. */
export async function readStream(page: Page, scope = 'body'): Promise<RenderedMessage[]> {
  return page
    .locator(scope)
    .getByTestId('message')
    .evaluateAll((items) =>
      items.map((item) => {
        const element = item as HTMLElement;
        return {
          seq: Number(element.dataset.seq),
          id: element.dataset.id ?? '',
          nick: element.querySelector('.message-nick')?.textContent ?? '',
          text: element.querySelector('[data-testid="message-text"]')?.textContent ?? '',
          badge: element.querySelector('[data-testid="badge"]')?.textContent ?? '',
        };
      }),
    );
}

/** Waits until a page shows `count` acknowledged messages and nothing pending. */
export async function expectMessageCount(page: Page, count: number, scope = 'body'): Promise<void> {
  await expect(page.locator(scope).getByTestId('message')).toHaveCount(count);
  await expect(page.locator(scope).getByTestId('pending')).toHaveCount(0);
}

/** Checks that seqs run 1, 2, 3... without a gap or a repeat. */
export function expectConsecutiveSeqs(stream: readonly RenderedMessage[], first = 1): void {
  expect(stream.map((message) => message.seq)).toEqual(stream.map((_, index) => first + index));
}

/** Checks that two pages show the same stream, its seqs consecutive from 1, and returns it. */
export async function expectSameStream(a: Page, b: Page): Promise<RenderedMessage[]> {
  const stream = await readStream(a);
  expect(await readStream(b)).toEqual(stream);
  expectConsecutiveSeqs(stream);
  return stream;
}

/**
 * Checks that the newest message of a stream (its `role="log"` list) says `text`, is at least
 * half in the viewport, and ends inside the list's visible box, so the list is at the bottom.
 */
export async function expectNewestInView(stream: Locator, text: string): Promise<void> {
  const newest = stream.getByTestId('message').last();
  await expect(newest).toContainText(text);
  await expect(newest).toBeInViewport({ ratio: 0.5 });
  const [list, item] = await Promise.all([stream.boundingBox(), newest.boundingBox()]);
  expect(list).not.toBeNull();
  expect(item).not.toBeNull();
  if (list === null || item === null) return;
  expect(item.y + item.height).toBeLessThanOrEqual(list.y + list.height + 1);
}
