/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the `openssl` command in a
 * temporary folder, for tests that speak TLS (`wss:`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A certificate and its key, PEM. */
export interface SelfSigned {
  readonly cert: string;
  readonly key: string;
}

/** Makes a one-day P-256 certificate whose subject names are 127.0.0.1, ::1 and localhost. */
export async function createSelfSigned(): Promise<SelfSigned> {
  const dir = await mkdtemp(path.join(tmpdir(), 'draftbridge-tls-'));
  try {
    const [certFile, keyFile] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
    ]);
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
