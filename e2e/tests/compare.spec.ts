import { expect, type Locator, test } from '@playwright/test';
import { PHONE_VIEWPORT } from '../constants.js';
import {
  appUrl,
  createRoomName,
  expectConsecutiveSeqs,
  expectMessageCount,
  expectNewestInView,
  joinRoom,
  openPerson,
  openPersonInRoom,
  readStream,
  send,
  setLegacy,
} from './chat-helpers.js';
import { saveScreenshot } from './screenshots.js';

async function topOf(locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error('not rendered');
  return box.y;
}

test.describe('compare view', () => {
  test('shows RFC 6455 and draft-76 side by side, in line, with identical streams', async ({
    browser,
  }, testInfo) => {
    const room = createRoomName('compare');
    const page = await openPerson(browser);
    await page.goto(appUrl('/?view=compare'));
    await page.getByLabel('Nick').fill('teacher');
    await page.getByLabel('Room').fill(room);
    await page.getByRole('button', { name: 'Start comparing' }).click();
    const left = page.getByTestId('pane-left');
    const right = page.getByTestId('pane-right');
    await expect(left.locator('[data-status]')).toHaveAttribute('data-status', 'live');
    await expect(right.locator('[data-status]')).toHaveAttribute('data-status', 'live');
    // Both panes live in one tab, so each names its own path.
    await expect(left.getByTestId('path-indicator')).toHaveText('This pane: RFC 6455 · websocket');
    await expect(right.getByTestId('path-indicator')).toHaveText(
      'This pane: draft-76 · faye-websocket · relay',
    );

    const student = await openPersonInRoom(browser, 'student', room);
    await send(page, 'Hello from the modern side', /^Send as teacher over RFC 6455$/);
    await send(page, 'Hello from 2010, over draft-76', /^Send as teacher over draft-76/);
    await send(student, 'A student joins in <b>bold?</b>');
    await send(page, 'Same bytes, same order', /^Send as teacher over draft-76/);

    await expectMessageCount(page, 4, '[data-testid="pane-left"]');
    await expectMessageCount(page, 4, '[data-testid="pane-right"]');
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'identical');
    await expect(verdict).toContainText('4 messages, seq 1–4');
    const leftStream = await readStream(page, '[data-testid="pane-left"]');
    expect(await readStream(page, '[data-testid="pane-right"]')).toEqual(leftStream);
    expectConsecutiveSeqs(leftStream);

    // The panes line up: same header height, streams and composers on the same lines.
    for (const part of ['[role="log"]', 'form.composer']) {
      expect(await topOf(left.locator(part))).toBeCloseTo(await topOf(right.locator(part)), 0);
    }

    // The README's projector screenshot: the drawer open on the client frame, masked.
    await page.getByText(/^Wire inspector · members/).click();
    const say = page.locator('[data-testid="wire-frame"][data-type="say"]').first();
    await say.scrollIntoViewIfNeeded();
    await expect(say.locator('[data-masked="true"]')).toBeInViewport();
    await saveScreenshot(page, testInfo, 'compare-view.png', 'compare-view.png');
    await page.emulateMedia({ colorScheme: 'dark' });
    await saveScreenshot(page, testInfo, 'compare-view-dark.png');

    // The same room on a phone, joining late over draft-76: the README's phone screenshot.
    const phone = await (await browser.newContext({ viewport: PHONE_VIEWPORT })).newPage();
    await joinRoom(phone, 'pat', room);
    await setLegacy(phone, '76');
    await expectMessageCount(phone, 4);
    expect(await readStream(phone)).toEqual(leftStream);
    await expectNewestInView(phone.getByRole('log'), 'Same bytes, same order');
    await saveScreenshot(phone, testInfo, 'chat-phone.png', 'chat-phone.png');
    await phone.context().close();
  });

  test('tells apart members who share a nick, and marks the compare view’s own two', async ({
    browser,
  }) => {
    const room = createRoomName('same-nick');
    // One person, one browser: the chat in one tab, the compare view (same nick) in another.
    const chat = await openPersonInRoom(browser, 'ann', room);
    const compare = await chat.context().newPage();
    await compare.goto(appUrl('/?view=compare'));
    for (const side of ['left', 'right']) {
      await expect(compare.getByTestId(`pane-${side}`).locator('[data-status]')).toHaveAttribute(
        'data-status',
        'live',
      );
    }

    const members = chat.getByTestId('member');
    await expect(members).toHaveCount(3);
    const tags = await members.getByTestId('nick-tag').allTextContents();
    expect(tags).toHaveLength(3);
    expect(new Set(tags).size).toBe(3);
    await expect(members.filter({ hasText: '(you)' })).toHaveCount(1);
    const ownTag = await members.filter({ hasText: '(you)' }).getByTestId('nick-tag').textContent();

    // A message carries the same tag as its sender's entry in the member list.
    await send(chat, 'which ann am I?');
    const seen = compare.getByTestId('pane-left').getByTestId('message');
    await expect(seen).toHaveCount(1);
    await expect(seen.getByTestId('nick-tag')).toHaveText(ownTag ?? '');

    await compare.getByText(/^Wire inspector · members/).click();
    const listed = compare.getByTestId('member');
    await expect(listed).toHaveCount(3);
    await expect(listed.filter({ hasText: '(this view, RFC 6455 pane)' })).toContainText(
      'RFC 6455 · websocket',
    );
    await expect(listed.filter({ hasText: '(this view, draft-76 pane)' })).toContainText(
      'draft-76 · faye-websocket · relay',
    );
    await expect(compare.locator('[data-testid="member"][data-own="true"]')).toHaveCount(2);
    await chat.context().close();
  });
});
