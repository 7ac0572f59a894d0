// The ClickHouse password: NETSIFT_CLICKHOUSE_PASSWORD, else a prompt on a terminal (not echoed),
// else none (a server's default user often has no password). Never from the URL, never written
// anywhere.
import { NetsiftError } from '../engine/index';

export const PASSWORD_ENV = 'NETSIFT_CLICKHOUSE_PASSWORD';

export async function storePassword(user: string, display: string): Promise<string> {
  const env = process.env[PASSWORD_ENV];
  if (env !== undefined) return env;
  if (!process.stdin.isTTY || !process.stderr.isTTY) return '';
  return prompt(`password for ${user} at ${display}: `);
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let text = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003')
          return done(new NetsiftError('password prompt cancelled', 'cancelled'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
