/**
 * The lab view: five members of one room, one per generation (RFC 6455 from the browser,
 * hybi-08, hybi-07, draft-76 and draft-75 through the relay), each pane sending, one identical
 * stream in all five; and the handshake inspector, whose draft-76 answer is worked out again
 * here with Node's own MD5 from the keys the page shows, and must equal the server's. On a
 * projector (five panes side by side) and on a phone (one pane behind each tab).
 */
import { createHash } from 'node:crypto';
import { expect, type Page, test } from '@playwright/test';
import { PHONE_VIEWPORT, VIEWPORT } from '../constants.js';
import {
  appUrl,
  createRoomName,
  expectConsecutiveSeqs,
  expectMessageCount,
  expectNewestInView,
  readStream,
  send,
} from './chat-helpers.js';
import { saveScreenshot } from './screenshots.js';

/** Each pane: its protocol, its tab's name, its title, and the path badge the server confirms. */
const GENERATIONS = [
  {
    protocol: 'rfc6455',
    name: 'RFC 6455',
    title: 'RFC 6455 direct',
    badge: 'RFC 6455 · websocket',
  },
  {
    protocol: 'hybi-08',
    name: 'hybi-08',
    title: 'hybi-08 via relay',
    badge: 'hybi-08 · websocket · relay',
  },
  {
    protocol: 'hybi-07',
    name: 'hybi-07',
    title: 'hybi-07 via relay',
    badge: 'hybi-07 · faye-websocket · relay',
  },
  {
    protocol: 'hixie-76',
    name: 'draft-76',
    title: 'draft-76 via relay',
    badge: 'draft-76 · faye-websocket · relay',
  },
  {
    protocol: 'hixie-75',
    name: 'draft-75',
    title: 'draft-75 via relay',
    badge: 'draft-75 · faye-websocket · relay',
  },
] as const;

const paneOf = (protocol: string) => `[data-testid="pane-${protocol}"]`;

// draft-hixie-76 §4.1 steps 17-26, §5.2, on Node's MD5: an implementation the page does not use.
function draft76Answer(key1: string, key2: string, key3: Buffer): string {
  const quotient = (key: string) => Number(key.replace(/\D/g, '')) / (key.split(' ').length - 1);
  const challenge = Buffer.alloc(16);
  challenge.writeUInt32BE(quotient(key1), 0);
  challenge.writeUInt32BE(quotient(key2), 4);
  key3.copy(challenge, 8);
  const digest = createHash('md5').update(challenge).digest();
  return [...digest].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

const fromHex = (hex: string) => Buffer.from(hex.replaceAll(' ', ''), 'hex');

async function expectNoPageScroll(page: Page): Promise<void> {
  expect(
    await page.evaluate(() => {
      const root = document.documentElement;
      return [root.scrollWidth - root.clientWidth, root.scrollHeight - root.clientHeight];
    }),
    'the page itself scrolls neither way',
  ).toEqual([0, 0]);
}

for (const [size, viewport] of [
  ['a projector', VIEWPORT],
  ['a phone', PHONE_VIEWPORT],
] as const) {
  test(`the lab on ${size} (${viewport.width}x${viewport.height}): five generations, one stream, and the draft-76 answer checked`, async ({
    browser,
  }, testInfo) => {
    const phone = viewport.width < VIEWPORT.width;
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(appUrl('/'));
    await page.getByRole('link', { name: 'Lab', exact: true }).click();
    await page.getByLabel('Nick').fill('teacher');
    await page.getByLabel('Room').fill(createRoomName('lab'));
    await page.getByRole('button', { name: 'Open the lab' }).click();

    // Every pane is live on its own path, as the server confirmed it.
    for (const { protocol, badge } of GENERATIONS) {
      const pane = page.locator(paneOf(protocol));
      await expect(pane.locator('[data-status]')).toHaveAttribute('data-status', 'live');
      await expect(pane.getByTestId('path-indicator')).toContainText(badge);
    }

    // Each pane sends once; on a phone, from behind its tab.
    const sent: string[] = [];
    for (const { protocol, name, title } of GENERATIONS) {
      if (phone) {
        await page.getByTestId('pane-tabs').getByRole('tab', { name, exact: true }).click();
        await expect(page.locator(paneOf(protocol))).toBeVisible();
      }
      const text = `hello from the ${name} pane`;
      sent.push(text);
      await send(page, text, new RegExp(`^Send as teacher over ${title}$`));
      // One after the other, so the stream's order is the order sent.
      await expectMessageCount(page, sent.length, paneOf(protocol));
    }

    // One stream in all five panes: the same seq, id and text, each message on its sender's path.
    const streams = [];
    for (const { protocol } of GENERATIONS) {
      await expectMessageCount(page, GENERATIONS.length, paneOf(protocol));
      streams.push(await readStream(page, paneOf(protocol)));
    }
    const [first, ...rest] = streams;
    for (const stream of rest) expect(stream).toEqual(first);
    expectConsecutiveSeqs(first ?? []);
    expect(first?.map((m) => m.text)).toEqual(sent);
    expect(first?.map((m) => m.badge)).toEqual(GENERATIONS.map((g) => g.badge));
    const verdict = page.getByTestId('verdict');
    await expect(verdict).toHaveAttribute('data-verdict', 'identical');
    await expect(verdict).toContainText('5 messages, seq 1–5');

    // The layout rules: nothing scrolls the page, and the panes on screen keep their composers
    // and newest message in view.
    await expectNoPageScroll(page);
    const shown = phone ? [GENERATIONS[4]] : GENERATIONS;
    for (const generation of shown) {
      const pane = page.locator(paneOf(generation?.protocol ?? ''));
      await expect(pane.getByRole('textbox')).toBeInViewport({ ratio: 1 });
      await expect(pane.getByRole('button', { name: 'Send' })).toBeInViewport({ ratio: 1 });
      await expectNewestInView(pane.getByRole('log'), sent.at(-1) ?? '');
    }

    // The handshake inspector, on draft-76: the page's MD5 answer equals the server's, and both
    // equal Node's MD5 of the keys and key3 the page shows.
    await page.getByText(/^Handshake and frame inspector/).click();
    const tabs = page.getByTestId('inspect-tabs');
    await tabs.getByRole('tab', { name: 'draft-76', exact: true }).click();
    const inspector = page.getByTestId('handshake-inspector');
    await expect(inspector).toHaveAttribute('data-protocol', 'hixie-76');
    const check = inspector.getByTestId('handshake-check');
    await expect(check).toHaveAttribute('data-match', 'true');
    const pageAnswer = await inspector.getByTestId('draft76-answer-page').getAttribute('data-hex');
    const serverAnswer = await inspector
      .getByTestId('draft76-answer-server')
      .getAttribute('data-hex');
    expect(pageAnswer).toMatch(/^([0-9A-F]{2} ){15}[0-9A-F]{2}$/);
    expect(pageAnswer).toBe(serverAnswer);
    const key1 = (await inspector.getByTestId('draft76-key1').getAttribute('data-key')) ?? '';
    const key2 = (await inspector.getByTestId('draft76-key2').getAttribute('data-key')) ?? '';
    const key3 = (await inspector.getByTestId('draft76-key3').getAttribute('data-hex')) ?? '';
    expect(fromHex(key3)).toHaveLength(8);
    expect(draft76Answer(key1, key2, fromHex(key3))).toBe(pageAnswer);
    // The keys the page worked are the ones in the request head that crossed the leg.
    const request = inspector.getByTestId('handshake-request');
    await expect(request).toContainText(`Sec-WebSocket-Key1: ${key1}`);
    await expect(request).toContainText(`Sec-WebSocket-Key2: ${key2}`);
    await expect(request).not.toContainText(/X-Draftbridge-Relay: [0-9a-f]{8}/);

    // Its frames are the draft's 00 … FF, the say this pane sent among them.
    const say = page.locator('[data-testid="wire-frame"][data-type="say"]').first();
    await expect(say.getByTestId('hixie-bytes').getByTestId('segment-bytes').first()).toHaveText(
      '00',
    );

    if (!phone) {
      // The projector screenshot: the drawer scrolled to the key arithmetic, the check below it.
      await inspector
        .locator('.handshake-work')
        .evaluate((table) => table.scrollIntoView({ block: 'start' }));
      await expect(check).toBeInViewport();
      await expectNoPageScroll(page);
      await saveScreenshot(page, testInfo, 'lab-view.png', 'lab-view.png');
    }

    // hybi-08: key + GUID -> SHA-1 -> base64 equals the server's accept; its frames are masked
    // hybi frames with their own key.
    await tabs.getByRole('tab', { name: 'hybi-08', exact: true }).click();
    await expect(inspector).toHaveAttribute('data-protocol', 'hybi-08');
    await expect(inspector.getByTestId('handshake-check')).toHaveAttribute('data-match', 'true');
    await expect(inspector.getByTestId('accept-page')).toHaveText(
      (await inspector.getByTestId('accept-server').textContent()) ?? 'none',
    );
    await expect(inspector.getByTestId('handshake-request')).toContainText(
      'Sec-WebSocket-Version: 8',
    );
    // The server's frames to the relay are unmasked; one more from this pane, and the relay's
    // own frame is masked with its own key.
    const frames = page.getByTestId('wire-frame');
    await expect(frames.first()).toHaveAttribute('data-type', 'message');
    await expect(frames.first().locator('[data-masked="false"]')).toHaveCount(1);
    if (phone) {
      await page
        .getByTestId('pane-tabs')
        .getByRole('tab', { name: 'hybi-08', exact: true })
        .click();
    }
    await send(page, 'masked, please', /^Send as teacher over hybi-08 via relay$/);
    const hybiSay = page.locator('[data-testid="wire-frame"][data-type="say"]').first();
    await expect(hybiSay.locator('[data-masked="true"] .segment--mask')).toHaveCount(1);
    await expect(hybiSay).toContainText('masked, please');

    // draft-75 has no challenge, and says why the next draft added one.
    await tabs.getByRole('tab', { name: 'draft-75', exact: true }).click();
    await expect(inspector.getByTestId('draft75-no-challenge')).toContainText('cross-protocol');
    await expect(inspector.getByTestId('handshake-check')).toHaveCount(0);

    // RFC 6455 straight from the browser: the page says it cannot see the bytes, and works
    // RFC 6455 §1.3's example instead.
    await tabs.getByRole('tab', { name: 'RFC 6455', exact: true }).click();
    await expect(inspector.getByTestId('direct-handshake-note')).toContainText(
      'a page cannot see its bytes',
    );
    await expect(inspector.getByTestId('accept-page')).toHaveText('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    await expectNoPageScroll(page);
    if (phone) await saveScreenshot(page, testInfo, 'lab-phone.png');
    await context.close();
  });
}
