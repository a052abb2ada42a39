import { expect, test } from '@playwright/test';
import {
  createRoomName,
  expectMessageCount,
  joinRoom,
  openPerson,
  send,
  setLegacy,
} from './chat-helpers.js';

test.describe('wire inspector', () => {
  test('shows the draft-76 bytes 00 ... FF next to the RFC 6455 frame for the same payload', async ({
    browser,
  }) => {
    const room = createRoomName('wire');
    const ann = await openPerson(browser);
    await joinRoom(ann, 'ann', room);
    await setLegacy(ann, '76');
    await send(ann, 'bytes, please');
    await expectMessageCount(ann, 1);

    const say = ann.locator('[data-testid="wire-frame"][data-type="say"]').first();
    await expect(say).toBeVisible();
    const hixie = say.getByTestId('hixie-bytes').getByTestId('segment-bytes');
    await expect(hixie.first()).toHaveText('00');
    await expect(hixie.last()).toHaveText('FF');
    await expect(say).toContainText('bytes, please');

    const payloadLength = await say
      .getByTestId('hixie-bytes')
      .locator('.segment-label')
      .nth(1)
      .textContent();
    const length = Number(/(\d+) bytes/.exec(payloadLength ?? '')?.[1]);
    expect(length).toBeGreaterThan(0);
    const rfc = say.getByTestId('rfc6455-bytes').getByTestId('segment-bytes');
    await expect(rfc.first()).toHaveText('81');
    // Under 126 bytes the length sits in the second byte; otherwise 7E and a 16-bit length.
    const second = length <= 125 ? length.toString(16).toUpperCase().padStart(2, '0') : '7E';
    await expect(rfc.nth(1)).toHaveText(second);

    // The server's answer crossed the socket too: the echo of the message, framed the same way.
    const echo = ann.locator('[data-testid="wire-frame"][data-type="message"]').first();
    await expect(echo.getByTestId('hixie-bytes').getByTestId('segment-bytes').first()).toHaveText(
      '00',
    );
    await expect(echo).toContainText('server → relay');
  });
});
