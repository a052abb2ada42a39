import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { DOCS_SCREENSHOT_ENV } from '../constants.js';
import {
  appUrl,
  createRoomName,
  expectConsecutiveSeqs,
  expectMessageCount,
  joinRoom,
  openPerson,
  readStream,
  send,
} from './chat-helpers.js';

const DOCS_SCREENSHOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../docs/compare-view.png',
);

test.describe('compare view', () => {
  test('shows RFC 6455 and draft-76 side by side with identical streams', async ({
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
    await expect(left.getByTestId('path-indicator')).toContainText('RFC 6455 · websocket');
    await expect(right.getByTestId('path-indicator')).toContainText(
      'draft-76 · faye-websocket · relay',
    );

    const student = await openPerson(browser);
    await joinRoom(student, 'student', room);
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

    await expect(page.getByTestId('wire-frame').first()).toBeVisible();
    const shot = testInfo.outputPath('compare-view.png');
    await page.screenshot({ path: shot, fullPage: true });
    await testInfo.attach('compare view', { path: shot, contentType: 'image/png' });
    if (process.env[DOCS_SCREENSHOT_ENV] === '1') {
      await mkdir(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      await copyFile(shot, DOCS_SCREENSHOT);
    }

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: testInfo.outputPath('compare-view-dark.png'), fullPage: true });
  });
});
