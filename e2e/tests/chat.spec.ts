import { expect, test } from '@playwright/test';
import {
  createRoomName,
  expectLive,
  expectMessageCount,
  expectSameStream,
  openPersonInRoom,
  send,
  setLegacy,
} from './chat-helpers.js';
import { saveScreenshot } from './screenshots.js';

const RFC6455_BADGE = 'RFC 6455 · websocket';
const DRAFT76_BADGE = 'draft-76 · faye-websocket · relay';

test.describe('chat across both paths', () => {
  test('two people, one on the legacy draft, see the same messages in the same order', async ({
    browser,
  }, testInfo) => {
    const room = createRoomName('pair');
    const ann = await openPersonInRoom(browser, 'ann', room);
    const bob = await openPersonInRoom(browser, 'bob', room);
    await setLegacy(bob, '76');

    for (let round = 1; round <= 3; round += 1) {
      await send(ann, `ann says ${round}`);
      await send(bob, `bob says ${round} — ünïcödé 🎉`);
    }
    await expectMessageCount(ann, 6);
    await expectMessageCount(bob, 6);

    const annSees = await expectSameStream(ann, bob);
    for (const message of annSees) {
      expect(message.badge).toBe(message.nick === 'ann' ? RFC6455_BADGE : DRAFT76_BADGE);
    }
    expect(annSees.filter((m) => m.nick === 'bob').map((m) => m.text)).toEqual([
      'bob says 1 — ünïcödé 🎉',
      'bob says 2 — ünïcödé 🎉',
      'bob says 3 — ünïcödé 🎉',
    ]);

    for (const page of [ann, bob]) {
      const members = page.getByTestId('member');
      await expect(members).toHaveCount(2);
      await expect(members.filter({ hasText: 'ann' })).toContainText(RFC6455_BADGE);
      await expect(members.filter({ hasText: 'bob' })).toContainText(DRAFT76_BADGE);
    }

    await saveScreenshot(ann, testInfo, 'chat-rfc6455.png');
    await saveScreenshot(bob, testInfo, 'chat-draft76.png');
  });

  test('flipping the toggle mid-conversation loses and duplicates nothing', async ({ browser }) => {
    const room = createRoomName('flip');
    const ann = await openPersonInRoom(browser, 'ann', room);
    const bob = await openPersonInRoom(browser, 'bob', room);

    const drafts = ['76', null, '75', null, '76'] as const;
    const sent: string[] = [];
    for (const [round, draft] of drafts.entries()) {
      await send(ann, `ann before flip ${round}`);
      sent.push(`ann before flip ${round}`);
      const toggle = bob.getByRole('switch', { name: 'Force legacy draft' });
      if (draft !== null) await bob.getByLabel('Draft', { exact: true }).selectOption(draft);
      await (draft === null ? toggle.uncheck() : toggle.check());
      // Typed while the new connection is still opening: held as pending and sent after the
      // rejoin, and meanwhile ann keeps talking into the room bob is away from.
      await send(bob, `bob during flip ${round}`);
      sent.push(`bob during flip ${round}`);
      await send(ann, `ann during flip ${round}`);
      sent.push(`ann during flip ${round}`);
      await expectLive(bob);
    }

    await expectMessageCount(ann, sent.length);
    await expectMessageCount(bob, sent.length);
    const annSees = await expectSameStream(ann, bob);
    expect(new Set(annSees.map((m) => m.id)).size).toBe(sent.length);
    expect(annSees.map((m) => m.text).sort()).toEqual([...sent].sort());
    // Each of bob's messages went out on the path he had just switched to.
    const bobBadges = annSees.filter((m) => m.nick === 'bob').map((m) => m.badge);
    expect(bobBadges).toEqual([
      DRAFT76_BADGE,
      RFC6455_BADGE,
      'draft-75 · faye-websocket · relay',
      RFC6455_BADGE,
      DRAFT76_BADGE,
    ]);
  });

  test('going offline and back resumes with since and sends what was typed meanwhile', async ({
    browser,
  }) => {
    const room = createRoomName('offline');
    const ann = await openPersonInRoom(browser, 'ann', room);
    const bob = await openPersonInRoom(browser, 'bob', room);
    await setLegacy(ann, '76');
    await send(bob, 'before the outage');
    await expectMessageCount(ann, 1);

    await ann.context().setOffline(true);
    await expect(ann.locator('[data-status]')).toHaveAttribute('data-status', 'offline');
    await send(ann, 'typed while offline');
    await expect(ann.getByTestId('pending')).toHaveCount(1);
    await send(bob, 'missed 1');
    await send(bob, 'missed 2');
    await expectMessageCount(bob, 3);

    await ann.context().setOffline(false);
    await expectLive(ann);
    await expectMessageCount(ann, 4);
    await expectMessageCount(bob, 4);
    const annSees = await expectSameStream(ann, bob);
    expect(annSees.map((m) => m.text)).toEqual([
      'before the outage',
      'missed 1',
      'missed 2',
      'typed while offline',
    ]);
  });

  test('markup in a message is shown as text, never run', async ({ browser }) => {
    const room = createRoomName('xss');
    const ann = await openPersonInRoom(browser, 'ann', room);
    const bob = await openPersonInRoom(browser, 'bob', room);
    await setLegacy(bob, '76');
    const hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    await send(ann, hostile);
    for (const page of [ann, bob]) {
      await expectMessageCount(page, 1);
      await expect(page.getByTestId('message-text')).toHaveText(hostile);
      await expect(page.locator('.message-list script, .message-list img')).toHaveCount(0);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    }
  });

  test('a reload keeps nick, room, client id and the legacy path of the tab', async ({
    browser,
  }) => {
    const room = createRoomName('reload');
    const ann = await openPersonInRoom(browser, 'ann', room);
    await setLegacy(ann, '75');
    await send(ann, 'before reload');
    await expectMessageCount(ann, 1);
    const clientId = await ann.evaluate(() => sessionStorage.getItem('draftbridge.client-id'));
    await ann.reload();
    await expectLive(ann);
    await expect(ann.getByTestId('path-indicator')).toContainText(
      'draft-75 · faye-websocket · relay',
    );
    await expect(ann.locator('.room-name')).toContainText(`#${room} as ann`);
    await expectMessageCount(ann, 1);
    expect(await ann.evaluate(() => sessionStorage.getItem('draftbridge.client-id'))).toBe(
      clientId,
    );
  });
});
