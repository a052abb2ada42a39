import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyUpgrade, type Decision, readTarget } from './classify.js';
import { RFC6455_GUID } from './constants.js';
import { ENGINE_ADAPTERS } from './engines/index.js';
import { createOriginPolicy } from './origin-policy.js';

const options = {
  paths: ['/ws', '/relay'],
  isOriginAllowed: createOriginPolicy(['http://allowed.example']),
  engines: ENGINE_ADAPTERS,
};

// RFC 6455 §1.3's example key.
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const SPEC_KEY1 = '18x 6]8vM;54 *(5:  {   U1]8  z [  8';
const SPEC_KEY2 = '1_ tx7X d  <  nw  334J702) 7]o}` 0';

const base: IncomingHttpHeaders = {
  host: 'chat.example:8080',
  upgrade: 'websocket',
  connection: 'Upgrade',
};
const rfc6455 = { ...base, 'sec-websocket-version': '13', 'sec-websocket-key': KEY };
const hybi08 = { ...base, 'sec-websocket-version': '8', 'sec-websocket-key': KEY };
const hybi07 = { ...base, 'sec-websocket-version': '7', 'sec-websocket-key': KEY };
const hixie76 = {
  ...base,
  upgrade: 'WebSocket',
  'sec-websocket-key1': SPEC_KEY1,
  'sec-websocket-key2': SPEC_KEY2,
};
const hixie75 = { ...base, upgrade: 'WebSocket' };

type Expected = string; // "protocol/engine" or "status reason"

function summarize(decision: Decision): Expected {
  return decision.accept
    ? `${decision.protocol}/${decision.engine}`
    : `${decision.status} ${decision.reason}`;
}

const rows: [string, IncomingHttpHeaders, string | undefined, Expected][] = [
  ['RFC 6455', rfc6455, '/ws', 'rfc6455/websocket'],
  ['hybi-08', hybi08, '/ws', 'hybi-08/websocket'],
  ['hybi-07', hybi07, '/ws', 'hybi-07/faye-websocket'],
  ['hixie-76 with the spec keys', hixie76, '/ws', 'hixie-76/faye-websocket'],
  ['hixie-75', hixie75, '/ws', 'hixie-75/faye-websocket'],
  ['RFC 6455 forced onto faye', rfc6455, '/ws?engine=faye-websocket', 'rfc6455/faye-websocket'],
  ['hybi-08 forced onto faye', hybi08, '/ws?engine=faye-websocket', 'hybi-08/faye-websocket'],
  ['hixie-76 forced onto faye', hixie76, '/ws?engine=faye-websocket', 'hixie-76/faye-websocket'],
  ['the relay path', rfc6455, '/relay?draft=76', 'rfc6455/websocket'],
  [
    'mixed-case header values',
    { ...rfc6455, upgrade: 'WebSocket', connection: 'keep-alive, upgrade' },
    '/ws',
    'rfc6455/websocket',
  ],
  ['version 6', { ...rfc6455, 'sec-websocket-version': '6' }, '/ws', '426 unsupported_version'],
  ['version 14', { ...rfc6455, 'sec-websocket-version': '14' }, '/ws', '426 unsupported_version'],
  [
    'a version that is not a number',
    { ...rfc6455, 'sec-websocket-version': 'x' },
    '/ws',
    '426 unsupported_version',
  ],
  [
    'a bad version on a bad path from a bad origin',
    { ...rfc6455, 'sec-websocket-version': '0', origin: 'http://evil.example' },
    '/nope',
    '426 unsupported_version',
  ],
  ['no Upgrade header', { host: 'a', connection: 'Upgrade' }, '/ws', '400 malformed'],
  ['Upgrade: h2c', { ...rfc6455, upgrade: 'h2c' }, '/ws', '400 malformed'],
  ['Connection without upgrade', { ...rfc6455, connection: 'keep-alive' }, '/ws', '400 malformed'],
  ['no Host', { ...rfc6455, host: undefined }, '/ws', '400 malformed'],
  ['no Sec-WebSocket-Key', { ...rfc6455, 'sec-websocket-key': undefined }, '/ws', '400 malformed'],
  [
    'a short Sec-WebSocket-Key',
    { ...rfc6455, 'sec-websocket-key': 'c2hvcnQ=' },
    '/ws',
    '400 malformed',
  ],
  ['a key with no version', { ...base, 'sec-websocket-key': KEY }, '/ws', '400 malformed'],
  [
    'draft-76 keys and a hybi key with no version',
    { ...hixie76, 'sec-websocket-key': KEY },
    '/ws',
    '400 malformed',
  ],
  [
    'an Upgrade list on a draft (faye-websocket takes `websocket` alone)',
    { ...hixie75, upgrade: 'WebSocket, h2c' },
    '/ws',
    '400 malformed',
  ],
  ['an Upgrade list on hybi-07', { ...hybi07, upgrade: 'websocket, h2c' }, '/ws', '400 malformed'],
  [
    'an Upgrade list on RFC 6455 (WebSocket-Node takes it)',
    { ...rfc6455, upgrade: 'h2c, websocket' },
    '/ws',
    'rfc6455/websocket',
  ],
  ['only Key1', { ...hixie76, 'sec-websocket-key2': undefined }, '/ws', '400 malformed'],
  [
    'a draft-76 key with no spaces',
    { ...hixie76, 'sec-websocket-key1': '12345' },
    '/ws',
    '400 malformed',
  ],
  [
    'a draft-76 key not divisible by its spaces',
    { ...hixie76, 'sec-websocket-key2': '1 2 3' },
    '/ws',
    '400 malformed',
  ],
  [
    'a draft-76 key with no digits',
    { ...hixie76, 'sec-websocket-key1': 'a b' },
    '/ws',
    '400 malformed',
  ],
  [
    'a draft-76 key past 32 bits',
    { ...hixie76, 'sec-websocket-key1': '99999999999 ' },
    '/ws',
    '400 malformed',
  ],
  ['an unknown forced engine', rfc6455, '/ws?engine=ws', '400 malformed'],
  ['hixie-76 forced onto WebSocket-Node', hixie76, '/ws?engine=websocket', '400 malformed'],
  [
    'a bad key from a bad origin',
    { ...hixie76, 'sec-websocket-key1': '1', origin: 'http://evil.example' },
    '/ws',
    '400 malformed',
  ],
  [
    'a foreign Origin',
    { ...rfc6455, origin: 'http://evil.example' },
    '/ws',
    '403 forbidden_origin',
  ],
  [
    'a foreign Sec-WebSocket-Origin (hybi-08)',
    { ...hybi08, 'sec-websocket-origin': 'http://evil.example' },
    '/ws',
    '403 forbidden_origin',
  ],
  [
    'a foreign Origin on hixie-76',
    { ...hixie76, origin: 'http://evil.example' },
    '/ws',
    '403 forbidden_origin',
  ],
  [
    'a foreign Origin on an unknown path',
    { ...rfc6455, origin: 'http://evil.example' },
    '/nope',
    '403 forbidden_origin',
  ],
  [
    "the server's own origin",
    { ...rfc6455, origin: 'http://chat.example:8080' },
    '/ws',
    'rfc6455/websocket',
  ],
  [
    'a listed origin',
    { ...hixie75, origin: 'http://allowed.example' },
    '/ws',
    'hixie-75/faye-websocket',
  ],
  [
    'a listed Sec-WebSocket-Origin',
    { ...hybi07, 'sec-websocket-origin': 'http://allowed.example' },
    '/ws',
    'hybi-07/faye-websocket',
  ],
  ['an unknown path', rfc6455, '/chat', '404 unknown_path'],
  ['a path with a trailing slash', rfc6455, '/ws/', '404 unknown_path'],
  ['no path at all', rfc6455, undefined, '404 unknown_path'],
];

describe('classifyUpgrade', () => {
  it.each(rows)('%s', (_name, headers, url, expected) => {
    expect(summarize(classifyUpgrade({ method: 'GET', url, headers }, options))).toBe(expected);
  });

  it('refuses a POST', () => {
    expect(
      summarize(classifyUpgrade({ method: 'POST', url: '/ws', headers: rfc6455 }, options)),
    ).toBe('400 malformed');
  });

  it.each([
    ['1.0', '400 malformed'],
    ['0.9', '400 malformed'],
    ['1.1', 'accepted'],
    ['2.0', 'accepted'],
  ])('answers an upgrade over HTTP/%s: %s (RFC 6455 §4.2.1)', (httpVersion, expected) => {
    for (const headers of [rfc6455, hixie76, hixie75]) {
      const decision = classifyUpgrade(
        { method: 'GET', url: '/ws', httpVersion, headers },
        options,
      );
      expect(decision.accept ? 'accepted' : summarize(decision)).toBe(expected);
    }
  });

  it('routes to an engine added to the table alone, for the protocols it serves', () => {
    const engines = { ...ENGINE_ADAPTERS, fake: { serves: ['hybi-08'] as const } };
    const ask = (url: string, headers: IncomingHttpHeaders) =>
      summarize(classifyUpgrade({ method: 'GET', url, headers }, { ...options, engines }));
    expect(ask('/ws?engine=fake', hybi08)).toBe('hybi-08/fake');
    expect(ask('/ws?engine=fake', rfc6455)).toBe('400 malformed');
    expect(ask('/ws?engine=nope', rfc6455)).toBe('400 malformed');
  });

  it('lists the served versions with a 426 (RFC 6455 §4.2.2)', () => {
    const decision = classifyUpgrade(
      { method: 'GET', url: '/ws', headers: { ...rfc6455, 'sec-websocket-version': '9' } },
      options,
    );
    expect(decision).toMatchObject({
      accept: false,
      headers: { 'Sec-WebSocket-Version': '13, 8, 7' },
    });
  });

  it('reports path, query and origin of an accepted request', () => {
    const decision = classifyUpgrade(
      {
        method: 'GET',
        url: '/relay?draft=76&trace=1',
        headers: { ...rfc6455, origin: 'http://allowed.example' },
      },
      options,
    );
    expect(decision.accept).toBe(true);
    if (decision.accept) {
      expect(decision.path).toBe('/relay');
      expect(new URLSearchParams(decision.search).get('draft')).toBe('76');
      expect(decision.origin).toBe('http://allowed.example');
    }
  });

  it('uses the key whose accept value RFC 6455 §1.3 gives', () => {
    const accept = createHash('sha1')
      .update(KEY + RFC6455_GUID)
      .digest('base64');
    expect(accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

describe('readTarget', () => {
  // What the URL parser makes of a target: the reference readTarget's shortcut must agree with.
  const parsed = (target: string) => {
    try {
      const url = new URL(target, 'http://localhost');
      return { path: url.pathname, query: [...url.searchParams] };
    } catch {
      return undefined;
    }
  };
  const read = (target: string) => {
    const result = readTarget(target);
    return result && { path: result.path, query: [...new URLSearchParams(result.search)] };
  };

  it('reads every target as the URL parser does, plain or not', () => {
    const char = fc.constantFrom(...'/.?=&#%+-_~aZ09 é\\:@'.split(''), '%2e', '%2F', '..', '//');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 24 }), (chars) => {
        const target = `/${chars.join('')}`;
        expect(read(target)).toEqual(parsed(target));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the plain targets the router sees most without the parser, with the same answer', () => {
    for (const target of [
      '/ws',
      '/relay',
      '/ws?engine=faye-websocket',
      '/relay?protocol=hixie-75',
      '/ws/',
    ]) {
      expect(read(target)).toEqual(parsed(target));
    }
    expect(read('/ws/../relay')).toEqual({ path: '/relay', query: [] });
    expect(read('//evil.example/ws')).toEqual({ path: '/ws', query: [] });
  });
});
