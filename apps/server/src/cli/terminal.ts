/**
 * The terminal side of the chat: readline over stdin, and output that does not tear the line
 * being typed. On a TTY each incoming line is written above the prompt, which is then redrawn
 * with whatever the user had typed; in a pipe there is no prompt and every line is plain.
 */
import readline from 'node:readline';

/** Where the chat reads lines and writes output. */
export interface ChatTerminal {
  /** Writes one or more lines for the user. */
  print(text: string): void;
  /** Called with each line the user enters. */
  onLine(handler: (line: string) => void): void;
  /** Called once when input ends (Ctrl-D, or the end of a pipe). */
  onEnd(handler: () => void): void;
  /** Called on Ctrl-C, from the TTY or as a signal. */
  onInterrupt(handler: () => void): void;
  /** Stops reading input so the process can exit. */
  close(): void;
}

/** The prompt shown on a TTY. */
export const CHAT_PROMPT = '> ';

/** Creates the terminal over `input` and `output` (the process's stdin and stdout by default). */
export function createChatTerminal(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stdout,
): ChatTerminal {
  const interactive = input.isTTY === true && output.isTTY === true;
  const rl = readline.createInterface({
    input,
    output,
    terminal: interactive,
    prompt: CHAT_PROMPT,
  });
  let closing = false;
  const endHandlers: (() => void)[] = [];
  const interruptHandlers: (() => void)[] = [];
  const interrupt = () => {
    for (const handler of interruptHandlers) handler();
  };
  rl.on('close', () => {
    if (!closing) for (const handler of endHandlers) handler();
  });
  // readline turns Ctrl-C into this event on a TTY; in a pipe it arrives as a signal.
  rl.on('SIGINT', interrupt);
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  if (interactive) rl.prompt();

  return {
    print(text) {
      if (!interactive || closing) {
        output.write(`${text}\n`);
        return;
      }
      readline.clearLine(output, 0);
      readline.cursorTo(output, 0);
      output.write(`${text}\n`);
      rl.prompt(true);
    },
    onLine(handler) {
      rl.on('line', (line) => {
        handler(line);
        if (interactive && !closing) rl.prompt();
      });
    },
    onEnd(handler) {
      endHandlers.push(handler);
    },
    onInterrupt(handler) {
      interruptHandlers.push(handler);
    },
    close() {
      closing = true;
      if (interactive) {
        // Erase the prompt redrawn after the last line, so the shell's prompt starts clean.
        readline.clearLine(output, 0);
        readline.cursorTo(output, 0);
      }
      rl.close();
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    },
  };
}
