/**
 * The cluster's TLS certificate: self-signed for 127.0.0.1, ::1 and localhost, made with the
 * `openssl` command, as files for the proxies (nginx takes the certificate and key apart,
 * HAProxy one PEM with both).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** The certificate's files and its PEM, for clients that must trust it. */
export interface Certificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** Certificate and key in one file (HAProxy's `crt`). */
  readonly pemFile: string;
  /** The certificate, PEM. */
  readonly cert: string;
}

/** Makes a P-256 certificate valid for `days` in `dir`. */
export async function createCertificate(dir: string, days = 30): Promise<Certificate> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const pemFile = path.join(dir, 'cert+key.pem');
  // biome-ignore format: openssl's flags read best in pairs.
  const args = [
    'req', '-x509', '-nodes', '-days', String(days),
    '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
  ];
  await promisify(execFile)('openssl', args).catch((error: Error) => {
    throw new Error(`openssl could not make a certificate (is it installed?): ${error.message}`);
  });
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  await writeFile(pemFile, cert + key, { mode: 0o600 });
  return { certFile, keyFile, pemFile, cert };
}
