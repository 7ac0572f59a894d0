// TLS to a real clickhouse-server (HTTPS with a self-signed certificate made by openssl): the
// store URL's clickhouses:// or ?secure=1, ?ca= to trust a private CA, and a plain refusal when the
// certificate is not trusted or the port speaks plain HTTP.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouseStore } from '../../src/engine/flowstore/open-store';
import {
  CLICKHOUSE_MISSING,
  PASSWORDS,
  startClickHouse,
  type ChServer,
} from '../helpers/clickhouse-server';

const opensslMissing = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'openssl is not installed';
  }
})();
const skip = CLICKHOUSE_MISSING ?? opensslMissing;

describe.skipIf(!!skip)(`ClickHouse over TLS${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let server: ChServer;
  beforeAll(async () => {
    server = await startClickHouse({ tls: true });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });
  const url = (scheme: string, port: number, q = '') =>
    `${scheme}://netsift@127.0.0.1:${port}/default${q}`;

  it(
    'connects with clickhouses:// or ?secure=1 when the CA is given',
    { timeout: 180_000 },
    async () => {
      for (const u of [
        url('clickhouses', server.httpsPort!, `?ca=${server.certFile}`),
        url('clickhouse', server.httpsPort!, `?secure=1&ca=${server.certFile}`),
      ]) {
        const s = await openClickHouseStore(u, { password: PASSWORDS.netsift });
        try {
          expect(s.info.serverVersion).toBe('18.16.1');
          expect(s.info.location).toMatch(
            /^clickhouses:\/\/netsift@127\.0\.0\.1:\d+\/default\?ca=/,
          );
        } finally {
          await s.close();
        }
      }
    },
  );

  // a refused handshake is quick on a quiet machine; under a loaded one (2 cores shared with a
  // server being started) it took over a minute once, hence the longer allowance
  it(
    'refuses a certificate nobody vouches for, and TLS to a plain HTTP port',
    { timeout: 180_000 },
    async () => {
      await expect(
        openClickHouseStore(url('clickhouses', server.httpsPort!), { password: PASSWORDS.netsift }),
      ).rejects.toMatchObject({
        failure: 'tls',
        message: expect.stringMatching(/TLS failed: .*self.signed.*\?ca=FILE/i),
      });
      await expect(
        openClickHouseStore(url('clickhouses', server.httpPort, `?ca=${server.certFile}`), {
          password: PASSWORDS.netsift,
        }),
      ).rejects.toMatchObject({ failure: 'tls' });
    },
  );
});
