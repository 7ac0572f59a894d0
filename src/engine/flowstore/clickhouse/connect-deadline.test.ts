// Connecting to something that accepts the connection and never answers (what a plain HTTP port
// does with a TLS hello, most of the time) fails within the connect deadline, saying what to
// check, instead of waiting for the request timeout (a day when the URL sets none).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpExecutor } from './http-executor';
import { parseStoreUrl } from './store-url';

describe('connect deadline', () => {
  let silent: net.Server;
  let port = 0;
  const sockets = new Set<net.Socket>();
  beforeAll(async () => {
    // reads whatever comes and never writes a byte
    silent = net.createServer((s) => {
      sockets.add(s);
      s.on('data', () => undefined);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    port = (silent.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('over TLS: a tls failure naming the port to check', async () => {
    const target = parseStoreUrl(`clickhouses://netsift@127.0.0.1:${port}/default`);
    await expect(
      HttpExecutor.connect(target, { password: 'x', connectTimeoutMs: 400 }),
    ).rejects.toMatchObject({
      failure: 'tls',
      message: expect.stringMatching(
        new RegExp(`no TLS answer within 0.4 s: is ${port} the server's HTTPS port`),
      ),
    });
  });

  it('over plain HTTP: a timeout while connecting', async () => {
    const target = parseStoreUrl(`clickhouse://netsift@127.0.0.1:${port}/default`);
    await expect(
      HttpExecutor.connect(target, { password: 'x', connectTimeoutMs: 400 }),
    ).rejects.toMatchObject({
      failure: 'timeout',
      message: expect.stringMatching(/no answer within 0.4 s while connecting/),
    });
  });
});
