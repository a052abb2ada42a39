/**
 * Screenshots of the real app: each run keeps them under test-results/, and with
 * DRAFTBRIDGE_DOCS_SCREENSHOT=1 the ones the README shows are also copied to docs/.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page, TestInfo } from '@playwright/test';
import { DOCS_SCREENSHOT_ENV } from '../constants.js';

const DOCS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');

/** Saves what the page shows as `fileName`, attaches it, and copies it to docs/`docsName` when asked. */
export async function saveScreenshot(
  page: Page,
  testInfo: TestInfo,
  fileName: string,
  docsName?: string,
): Promise<void> {
  const shot = testInfo.outputPath(fileName);
  await page.screenshot({ path: shot });
  await testInfo.attach(fileName, { path: shot, contentType: 'image/png' });
  if (docsName !== undefined && process.env[DOCS_SCREENSHOT_ENV] === '1') {
    await mkdir(DOCS_DIR, { recursive: true });
    await copyFile(shot, path.join(DOCS_DIR, docsName));
  }
}
