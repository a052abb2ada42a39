import { bytesEqual, type Draft76KeyWork, workDraft76 } from '../lib/handshake-math.js';
import { type HandshakeTrace, headerValue, RELAY_HEADER_NOTES } from '../lib/handshake-trace.js';
import { formatHex } from '../lib/wire-bytes.js';
import { HandshakeCheck } from './HandshakeCheck.js';
import { HandshakeHeads } from './HandshakeHeads.js';

const REQUEST_NOTES = {
  ...RELAY_HEADER_NOTES,
  'sec-websocket-key1': 'key 1: digits and spaces hide a number',
  'sec-websocket-key2': 'key 2: the same, another number',
};

const RESPONSE_NOTES = {
  'sec-websocket-origin': 'echoes the Origin',
  'sec-websocket-location': 'repeats the URL asked for',
};

// Bytes as characters where printable, as the draft prints key3 and the answer.
function printable(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·')).join('');
}

function KeyRow({ name, work }: { readonly name: string; readonly work: Draft76KeyWork }) {
  return (
    <tr data-testid={`draft76-${name.toLowerCase().replace(' ', '')}`} data-key={work.key}>
      <th scope="row">{name}</th>
      <td>
        <code className="key-text">“{work.key}”</code>
      </td>
      <td>
        <code>{work.digits}</code>
      </td>
      <td>{work.spaces}</td>
      <td>
        <code>{work.quotient === null ? 'not exact: refused' : work.quotient}</code>
      </td>
    </tr>
  );
}

/**
 * The draft-76 handshake of the relay's leg, annotated and recomputed here: the digits and spaces
 * of Key1 and Key2, the two quotients, key3, the MD5 and the 16-byte answer, checked against the
 * answer the server sent (draft-hixie-76 §4.1 steps 17-26, §5.2).
 */
export function Draft76Handshake({ trace }: { readonly trace: HandshakeTrace }) {
  const key3 = trace.key3 ?? new Uint8Array();
  const server = trace.answer ?? new Uint8Array();
  const work = workDraft76(
    headerValue(trace.request, 'Sec-WebSocket-Key1') ?? '',
    headerValue(trace.request, 'Sec-WebSocket-Key2') ?? '',
    key3,
  );
  const match = work.answer !== null && bytesEqual(work.answer, server);
  return (
    <div className="handshake-body">
      <div className="handshake-work">
        <div className="handshake-work-part">
          <table className="draft76-keys">
            <caption>Each key: its digits as one number, divided by its count of spaces</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">Digits</th>
                <th scope="col">Spaces</th>
                <th scope="col">Quotient</th>
              </tr>
            </thead>
            <tbody>
              <KeyRow name="Key 1" work={work.key1} />
              <KeyRow name="Key 2" work={work.key2} />
            </tbody>
          </table>
          <p className="handshake-bytes">
            <span className="step-label">key3, the 8 bytes after the head</span>{' '}
            <code data-testid="draft76-key3" data-hex={formatHex(key3)}>
              {formatHex(key3)}
            </code>{' '}
            <code className="key-text">“{printable(key3)}”</code>
          </p>
        </div>
        <div className="handshake-work-part">
          <ol className="handshake-steps">
            <li>
              <span className="step-label">
                quotient 1, quotient 2 (32 bits each, big-endian), key3: 16 bytes
              </span>
              <code className="step-value">
                {work.challenge === null ? '—' : formatHex(work.challenge)}
              </code>
            </li>
            <li>
              <span className="step-label">MD5 of them: this page's answer</span>
              <code
                className="step-value"
                data-testid="draft76-answer-page"
                data-hex={work.answer === null ? '' : formatHex(work.answer)}
              >
                {work.answer === null ? '—' : formatHex(work.answer)}
              </code>
            </li>
            <li>
              <span className="step-label">The server's answer, the 16 bytes after its head</span>
              <code
                className="step-value"
                data-testid="draft76-answer-server"
                data-hex={formatHex(server)}
              >
                {formatHex(server)}
              </code>{' '}
              <code className="key-text">“{printable(server)}”</code>
            </li>
          </ol>
          <HandshakeCheck match={match} what="MD5 answer" />
        </div>
      </div>
      <HandshakeHeads trace={trace} requestNotes={REQUEST_NOTES} responseNotes={RESPONSE_NOTES} />
    </div>
  );
}
