import { describe, expect, it } from 'vitest';
import { ChatArgsError, parseChatArgs, parseChatUrl } from './args.js';
import { CHAT_PROTOCOLS } from './constants.js';

const base = ['--protocol', 'hixie-76', '--room', 'lobby', '--nick', 'ann'];

function optionsOf(argv: string[]) {
  const args = parseChatArgs(argv);
  if (args.help) throw new Error('expected options, got help');
  return args.options;
}

describe('parseChatArgs', () => {
  it('reads every option, long and short, with the default server', () => {
    expect(optionsOf(base)).toEqual({
      protocol: 'hixie-76',
      room: 'lobby',
      nick: 'ann',
      url: 'ws://127.0.0.1:8080/ws',
    });
    expect(optionsOf(['-p', 'rfc6455', '-r', 'ops_2', '-n', 'bob', '-u', 'ws://h:9/'])).toEqual({
      protocol: 'rfc6455',
      room: 'ops_2',
      nick: 'bob',
      url: 'ws://h:9/ws',
    });
    expect(optionsOf(['--protocol=hixie-75', '--room=a', '--nick=c']).protocol).toBe('hixie-75');
    expect(optionsOf(['-p', 'hybi-07', '-r', 'a', '-n', 'c']).protocol).toBe('hybi-07');
    expect(optionsOf(['-p', 'hybi-08', '-r', 'a', '-n', 'c']).protocol).toBe('hybi-08');
  });

  it('takes a wss:// server on every protocol, as the client kit speaks TLS on each', () => {
    for (const protocol of CHAT_PROTOCOLS) {
      expect(optionsOf(['-p', protocol, '-r', 'a', '-n', 'c', '-u', 'wss://h/']).url).toBe(
        'wss://h/ws',
      );
    }
  });

  it('returns help for --help and -h, whatever else is missing', () => {
    expect(parseChatArgs(['--help'])).toEqual({ help: true });
    expect(parseChatArgs(['-h', '--protocol', 'nope'])).toEqual({ help: true });
  });

  it('trims the nick as the server will', () => {
    expect(optionsOf(['-p', 'rfc6455', '-r', 'lobby', '-n', '  ann  ']).nick).toBe('ann');
  });

  it.each([
    [
      ['--room', 'lobby', '--nick', 'ann'],
      /--protocol is required: one of rfc6455, hybi-08, hybi-07, hixie-76, hixie-75/,
    ],
    [['-p', 'hybi-06', '-r', 'lobby', '-n', 'ann'], /--protocol must be one of .* got "hybi-06"/],
    [['-p', 'rfc6455', '-n', 'ann'], /--room is required/],
    [['-p', 'rfc6455', '-r', 'Lobby', '-n', 'ann'], /--room must be .* got "Lobby"/],
    [['-p', 'rfc6455', '-r', '-x', '-n', 'ann'], /--room/],
    [['-p', 'rfc6455', '-r', 'a'.repeat(33), '-n', 'ann'], /--room must be/],
    [['-p', 'rfc6455', '-r', 'lobby'], /--nick is required/],
    [['-p', 'rfc6455', '-r', 'lobby', '-n', '   '], /--nick must be 1 to 24/],
    [['-p', 'rfc6455', '-r', 'lobby', '-n', 'x'.repeat(25)], /--nick must be 1 to 24/],
    [['-p', 'rfc6455', '-r', 'lobby', '-n', 'a\u001bb'], /no control characters/],
    [[...base, '--url', 'not a url'], /--url must be a URL/],
    [[...base, '--url', 'ftp://h/'], /--url must be a ws:\/\/ URL/],
    [[...base, '--colour'], /Unknown option '--colour'/],
    [[...base, 'extra'], /Unexpected argument 'extra'/],
    [['--protocol'], /--protocol/],
  ])('refuses %j with a message naming the option', (argv, message) => {
    expect(() => parseChatArgs(argv)).toThrow(ChatArgsError);
    expect(() => parseChatArgs(argv)).toThrow(message);
  });
});

describe('parseChatUrl', () => {
  it('appends /ws only when no path is given and keeps an explicit path and query', () => {
    expect(parseChatUrl('ws://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/ws');
    expect(parseChatUrl('ws://h/ws?engine=faye-websocket')).toBe('ws://h/ws?engine=faye-websocket');
    expect(parseChatUrl('ws://h:1/other#frag')).toBe('ws://h:1/other');
  });

  it('takes the http:// address the server prints as its ws:// twin', () => {
    expect(parseChatUrl('http://127.0.0.1:8080/')).toBe('ws://127.0.0.1:8080/ws');
    expect(parseChatUrl('https://chat.example')).toBe('wss://chat.example/ws');
    expect(parseChatUrl('wss://chat.example')).toBe('wss://chat.example/ws');
  });
});
