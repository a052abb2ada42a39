import { expect, type Page, test } from '@playwright/test';
import { appUrl, createRoomName, expectLive, expectMessageCount } from './chat-helpers.js';
import { saveScreenshot } from './screenshots.js';

// 1280 x 800 at 200% zoom lays out like a 640 x 400 window.
const ZOOMED_VIEWPORT = { width: 640, height: 400 };

async function focusedOutline(page: Page): Promise<string> {
  return page.evaluate(() => {
    const focused = document.activeElement;
    return focused === null ? 'none' : getComputedStyle(focused).outlineStyle;
  });
}

async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
  );
}

test.describe('keyboard and zoom', () => {
  test('joins, flips the toggle and sends with the keyboard alone, at 200% zoom', async ({
    browser,
  }, testInfo) => {
    const context = await browser.newContext({ viewport: ZOOMED_VIEWPORT });
    const page = await context.newPage();
    await page.goto(appUrl('/'));
    const room = createRoomName('keys');

    await page.keyboard.press('Tab'); // Chat link
    await page.keyboard.press('Tab'); // Compare view link
    await page.keyboard.press('Tab'); // Lab link
    await expect(page.getByRole('link', { name: 'Lab', exact: true })).toBeFocused();
    await page.keyboard.press('Tab'); // the compare view, linked from the line on draftbridge
    await expect(page.getByRole('link', { name: 'the compare view' })).toBeFocused();
    await page.keyboard.press('Tab'); // the lab, from the same line
    await expect(page.getByRole('link', { name: 'the lab' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Nick')).toBeFocused();
    expect(await focusedOutline(page)).toBe('solid');
    await page.keyboard.type('kim');
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Room')).toBeFocused();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(room);
    await page.keyboard.press('Enter');
    await expectLive(page);

    const toggle = page.getByRole('switch', { name: 'Force legacy draft' });
    await toggle.focus();
    expect(await focusedOutline(page)).toBe('solid');
    await page.keyboard.press('Space');
    await expect(page.getByTestId('path-indicator')).toContainText(
      'draft-76 · faye-websocket · relay',
    );

    await page.getByLabel(/^Message to #/).focus();
    await page.keyboard.type('typed, not clicked');
    await page.keyboard.press('Enter');
    await expectMessageCount(page, 1);
    await expect(page.getByTestId('message-text')).toHaveText('typed, not clicked');

    expect(await hasHorizontalScroll(page)).toBe(false);
    await saveScreenshot(page, testInfo, 'chat-zoom-200.png');
    await page.goto(appUrl('/?view=compare'));
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-verdict', 'identical');
    expect(await hasHorizontalScroll(page)).toBe(false);

    // The lab's tabs by keyboard: arrows move between the generations, each tab shows its pane.
    await page.goto(appUrl('/?view=lab'));
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-verdict', 'identical');
    const tabs = page.getByTestId('pane-tabs');
    await tabs.getByRole('tab', { selected: true }).focus();
    expect(await focusedOutline(page)).toBe('solid');
    await page.keyboard.press('ArrowRight');
    await expect(tabs.getByRole('tab', { name: 'draft-75' })).toBeFocused();
    await expect(page.getByTestId('pane-hixie-75')).toBeVisible();
    await expect(page.getByTestId('pane-hixie-76')).toBeHidden();
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });
});
