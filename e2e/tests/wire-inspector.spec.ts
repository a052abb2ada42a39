import { expect, type Locator, test } from '@playwright/test';
import { VIEWPORT } from '../constants.js';
import {
  appUrl,
  createRoomName,
  expectMessageCount,
  expectNewestInView,
  joinRoom,
  openPersonInRoom,
  send,
  setLegacy,
} from './chat-helpers.js';

// Notes read off a projector: nothing in the inspector below this many CSS pixels.
const MIN_NOTE_PX = 16;

async function segmentBytes(frame: Locator, testId: string): Promise<string[]> {
  return frame.getByTestId(testId).getByTestId('segment-bytes').allTextContents();
}

// "7B 22 … +56 bytes" -> the bytes shown before the ellipsis.
function parseHex(preview: string): number[] {
  return (preview.split(' … ')[0] ?? '').split(' ').map((hex) => Number.parseInt(hex, 16));
}

test.describe('wire inspector', () => {
  test('shows the draft-76 bytes 00 ... FF next to the RFC 6455 frame, masked for a client frame', async ({
    browser,
  }) => {
    const room = createRoomName('wire');
    const ann = await openPersonInRoom(browser, 'ann', room);
    await setLegacy(ann, '76');
    await send(ann, 'bytes, please');
    await expectMessageCount(ann, 1);

    // relay -> server: the relay is the client on its hixie socket.
    const say = ann.locator('[data-testid="wire-frame"][data-type="say"]').first();
    await expect(say).toBeVisible();
    await expect(say).toContainText('relay → server');
    const hixie = await segmentBytes(say, 'hixie-bytes');
    expect(hixie[0]).toBe('00');
    expect(hixie.at(-1)).toBe('FF');
    await expect(say).toContainText('bytes, please');
    const payloadLabel = await say
      .getByTestId('hixie-bytes')
      .locator('.segment-label')
      .nth(1)
      .textContent();
    const length = Number(/(\d+) bytes/.exec(payloadLabel ?? '')?.[1]);
    expect(length).toBeGreaterThan(0);
    expect(length).toBeLessThanOrEqual(125);

    // Its RFC 6455 form is a client's frame (RFC 6455 §5.1, §5.3): MASK=1 and a 4-byte key,
    // and the masked payload XORed with the key again gives back the hixie payload's bytes.
    const [first, second, key, masked] = await segmentBytes(say, 'rfc6455-bytes');
    expect(first).toBe('81');
    expect(second).toBe((0x80 | length).toString(16).toUpperCase());
    await expect(say).toContainText(`MASK=1, length ${length}`);
    const keyBytes = parseHex(key ?? '');
    expect(keyBytes).toHaveLength(4);
    const unmasked = parseHex(masked ?? '').map((byte, i) => byte ^ (keyBytes[i % 4] ?? 0));
    expect(unmasked).toEqual(parseHex(hixie[1] ?? '').slice(0, unmasked.length));
    expect(unmasked.length).toBeGreaterThan(4);

    // server -> relay: the server's echo, framed the same way on the draft, unmasked in RFC 6455.
    const echo = ann.locator('[data-testid="wire-frame"][data-type="message"]').first();
    await expect(echo).toContainText('server → relay');
    expect((await segmentBytes(echo, 'hixie-bytes'))[0]).toBe('00');
    const serverFrame = await segmentBytes(echo, 'rfc6455-bytes');
    expect(serverFrame[0]).toBe('81');
    await expect(echo).toContainText('MASK=0');
    await expect(echo.getByTestId('rfc6455-bytes').locator('.segment--mask')).toHaveCount(0);

    // One line says why: clients mask to protect intermediaries, servers do not.
    const note = ann.getByTestId('masking-note');
    await expect(note).toContainText('Clients mask, servers do not');
    await expect(note).toContainText('§5.3');
  });

  test('opens below the panes at 1280x800 without pushing them off the screen, in projector-size type', async ({
    browser,
  }) => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await joinRoom(page, 'teacher', createRoomName('wire-compare'));
    await page.goto(appUrl('/?view=compare'));
    const panes = [page.getByTestId('pane-left'), page.getByTestId('pane-right')];
    for (const pane of panes) {
      await expect(pane.locator('[data-status]')).toHaveAttribute('data-status', 'live');
    }
    await send(page, 'show me the bytes', /^Send as teacher over draft-76/);
    for (const pane of panes) await expect(pane.getByTestId('message')).toHaveCount(1);

    const inspector = page.getByRole('heading', { name: 'Wire inspector' });
    await expect(inspector).not.toBeInViewport();
    await page.getByText(/^Wire inspector · members/).click();
    await expect(inspector).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId('wire-frame').first()).toBeInViewport();
    // Older frames scroll inside the drawer; the page itself stays where it is.
    const say = page.locator('[data-testid="wire-frame"][data-type="say"]');
    await say.scrollIntoViewIfNeeded();
    await expect(say).toBeInViewport();
    for (const pane of panes) {
      await expect(pane.getByRole('textbox')).toBeInViewport({ ratio: 1 });
      await expect(pane.getByTestId('path-indicator')).toBeInViewport({ ratio: 1 });
      await expectNewestInView(pane.getByRole('log'), 'show me the bytes');
    }
    expect(await page.evaluate(() => window.scrollY)).toBe(0);

    const smallest = await page
      .locator('.wire-inspector')
      .evaluate((root) =>
        Math.min(
          ...[root, ...Array.from(root.querySelectorAll('*'))]
            .filter((element) => element.childNodes.length > 0 && element.textContent?.trim())
            .map((element) => Number.parseFloat(getComputedStyle(element).fontSize)),
        ),
      );
    expect(smallest).toBeGreaterThanOrEqual(MIN_NOTE_PX);
    await context.close();
  });
});
