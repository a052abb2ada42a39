/**
 * The chat and the compare view as an app that fills the window, over the screens a class
 * meets: projectors and laptops down to the smallest phones, light and dark. One room with
 * 20 messages is shared by every size; each size opens its own browser context (a device of
 * that size) in the one browser, and nothing sleeps: every wait is on the page.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { LAYOUT_VIEWPORTS } from '../constants.js';
import {
  appUrl,
  createRoomName,
  expectMessageCount,
  expectNewestInView,
  joinRoom,
  openPersonInRoom,
  send,
} from './chat-helpers.js';

const MESSAGES = 20;
const SCHEMES = ['light', 'dark'] as const;

// Long and unbreakable lines are what push a phone page sideways.
function seedText(index: number): string {
  if (index === MESSAGES) return `message ${index}, the newest`;
  if (index === 7)
    return `a long word: ${'x'.repeat(90)} and a link https://example.org/${'y'.repeat(60)}`;
  if (index % 5 === 0) {
    return `message ${index}: a longer one that wraps over a few lines on a phone, with ünïcödé 🎉`;
  }
  return `message ${index}`;
}

/** What must hold on a page in every size and scheme. */
interface FitCheck {
  /** The streams whose newest message must be in view. */
  readonly streams: readonly Locator[];
  /** What must stay fully on screen while typing: the toggle, the path badges. */
  readonly pinned: readonly Locator[];
}

async function pageScroll(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    return {
      scrollX: window.scrollX,
      scrollY: window.scrollY,
      overflowX: root.scrollWidth - root.clientWidth,
      overflowY: root.scrollHeight - root.clientHeight,
    };
  });
}

async function expectFits(page: Page, check: FitCheck, what: string): Promise<void> {
  await test.step(what, async () => {
    expect(await pageScroll(page), 'the page itself scrolls neither way').toEqual({
      scrollX: 0,
      scrollY: 0,
      overflowX: 0,
      overflowY: 0,
    });
    // The composers on screen: the lab keeps four of its panes behind tabs on a phone.
    const composers = page.locator('form.composer:visible');
    const count = await composers.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i += 1) {
      await expect(composers.nth(i).getByRole('textbox')).toBeInViewport({ ratio: 1 });
      await expect(composers.nth(i).getByRole('button', { name: 'Send' })).toBeInViewport({
        ratio: 1,
      });
    }
    for (const stream of check.streams) await expectNewestInView(stream, seedText(MESSAGES));

    // Typing does not move the page: the header with the toggle and the badge stays put.
    const input = composers.first().getByRole('textbox');
    await input.click();
    await page.keyboard.type('still in view?');
    for (const pinned of check.pinned) await expect(pinned).toBeInViewport({ ratio: 1 });
    expect((await pageScroll(page)).scrollY).toBe(0);
    await input.fill('');
  });
}

test.describe('layout over the viewport matrix', () => {
  const room = createRoomName('layout');
  let seeder: Page;

  test.beforeAll(async ({ browser }) => {
    seeder = await openPersonInRoom(browser, 'seeder', room);
    for (let index = 1; index <= MESSAGES; index += 1) await send(seeder, seedText(index));
    await expectMessageCount(seeder, MESSAGES);
  });

  test.afterAll(async () => {
    await seeder.context().close();
  });

  for (const viewport of LAYOUT_VIEWPORTS) {
    test(`chat, compare view and lab fill ${viewport.width}x${viewport.height}, light and dark`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();

      await joinRoom(page, 'viewer', room);
      await expectMessageCount(page, MESSAGES);
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        await expectFits(
          page,
          {
            streams: [page.getByRole('log')],
            pinned: [
              page.getByRole('switch', { name: 'Force legacy draft' }),
              page.getByTestId('path-indicator').locator('.badge'),
            ],
          },
          `chat, ${scheme}`,
        );
      }

      // The nick and room are remembered, so the compare view starts at once.
      await page.goto(appUrl('/?view=compare'));
      const panes = [page.getByTestId('pane-left'), page.getByTestId('pane-right')];
      for (const pane of panes) {
        await expect(pane.locator('[data-status]')).toHaveAttribute('data-status', 'live');
        await expect(pane.getByTestId('message')).toHaveCount(MESSAGES);
      }
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-verdict', 'identical');
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        await expectFits(
          page,
          {
            streams: panes.map((pane) => pane.getByRole('log')),
            pinned: panes.map((pane) => pane.getByTestId('path-indicator').locator('.badge')),
          },
          `compare view, ${scheme}`,
        );
      }

      // The lab: five panes side by side, or one behind each tab.
      await page.goto(appUrl('/?view=lab'));
      const labPanes = page.locator('.lab-panes > [data-testid^="pane-"]');
      await expect(labPanes).toHaveCount(5);
      for (const status of await labPanes.locator('[data-status]').all()) {
        await expect(status).toHaveAttribute('data-status', 'live');
      }
      for (const pane of await labPanes.all()) {
        await expect(pane.getByTestId('message')).toHaveCount(MESSAGES);
      }
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-verdict', 'identical');
      const shownPanes = page.locator('.lab-panes > [data-testid^="pane-"]:visible');
      for (const scheme of SCHEMES) {
        await page.emulateMedia({ colorScheme: scheme });
        await expectFits(
          page,
          {
            streams: (await shownPanes.all()).map((pane) => pane.getByRole('log')),
            pinned: [
              ...(await shownPanes.all()).map((pane) =>
                pane.getByTestId('path-indicator').locator('.badge'),
              ),
              page.getByTestId('verdict'),
            ],
          },
          `lab, ${scheme}`,
        );
      }
      await context.close();
    });
  }
});
