// Real clickhouse-server processes for tests (Debian's package, 18.16; `.ci/run` installs it):
// listening on 127.0.0.1 only, random free ports, data in a temp folder, stopped by the test (and
// killed at process exit if a test forgets). Tests skip visibly when the binary is missing.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const CANDIDATES = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'];
export const CLICKHOUSE_SERVER = CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
/** Why ClickHouse tests skip, or null when they run. */
export const CLICKHOUSE_MISSING = CLICKHOUSE_SERVER
  ? null
  : 'clickhouse-server is not installed (apt-get install clickhouse-server; .ci/run does)';

export const PASSWORDS = { netsift: 'netsift-test-pw', reader: 'reader-test-pw' };

export interface ClusterSpec {
  name: string;
  /** TCP ports of the shards (one replica each), all on 127.0.0.1. */
  shardTcpPorts: number[];
}

export interface ChServer {
  httpPort: number;
  /** With `tls: true`: the HTTPS port and the self-signed certificate (PEM) to trust. */
  httpsPort: number | null;
  certFile: string | null;
  tcpPort: number;
  dir: string;
  /** clickhouse://USER@127.0.0.1:PORT/DB (no password: tests pass NETSIFT_CLICKHOUSE_PASSWORD). */
  url(user?: 'netsift' | 'reader' | 'default', db?: string, query?: string): string;
  /** SIGKILL, as a crash or a pulled plug. */
  kill(): Promise<void>;
  /** Starts it again on the same data folder and ports. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for 127.0.0.1 (openssl), valid two days. */
function makeCert(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function tlsXml(https: number, cert: string, key: string): string {
  return `<https_port>${https}</https_port>
  <openSSL><server><certificateFile>${cert}</certificateFile><privateKeyFile>${key}</privateKeyFile>
    <verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile>
    <cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3</disableProtocols></server></openSSL>`;
}

function configXml(
  dir: string,
  http: number,
  tcp: number,
  cluster?: ClusterSpec,
  tls = '',
): string {
  const remote = cluster
    ? `<remote_servers><${cluster.name}>${cluster.shardTcpPorts
        .map(
          (p) =>
            `<shard><replica><host>127.0.0.1</host><port>${p}</port><user>default</user></replica></shard>`,
        )
        .join('')}</${cluster.name}></remote_servers>`
    : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  ${tls}
  ${remote}
</yandex>
`;
}

function usersXml(): string {
  const user = (name: string, password: string, profile: string) =>
    `<${name}><password>${password}</password><networks><ip>127.0.0.1</ip></networks><profile>${profile}</profile><quota>default</quota></${name}>`;
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>1000000000</max_memory_usage><max_threads>2</max_threads></default>
    <readonly><readonly>1</readonly><max_threads>2</max_threads></readonly>
  </profiles>
  <users>
    ${user('default', '', 'default')}
    ${user('netsift', PASSWORDS.netsift, 'default')}
    ${user('reader', PASSWORDS.reader, 'readonly')}
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

async function waitReady(http: number, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const r = await fetch(`http://127.0.0.1:${http}/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = (f: string) => {
    try {
      return fs.readFileSync(path.join(dir, 'log', f), 'utf8').slice(-2000);
    } catch {
      return '';
    }
  };
  throw new Error(`clickhouse-server did not start (exit ${child.exitCode}):\n${log('error.log')}`);
}

/** Ports for a server to be started later (a cluster needs every shard's port up front). */
export async function reservePorts(): Promise<{ http: number; tcp: number }> {
  return { http: await freePort(), tcp: await freePort() };
}

export async function startClickHouse(
  opts: { ports?: { http: number; tcp: number }; cluster?: ClusterSpec; tls?: boolean } = {},
): Promise<ChServer> {
  if (!CLICKHOUSE_SERVER) throw new Error(CLICKHOUSE_MISSING!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netsift-ch-'));
  for (const d of ['log', 'data', 'tmp', 'user_files', 'format_schemas'])
    fs.mkdirSync(path.join(dir, d));
  const { http, tcp } = opts.ports ?? (await reservePorts());
  const https = opts.tls ? await freePort() : null;
  const pem = opts.tls ? makeCert(dir) : null;
  fs.writeFileSync(
    path.join(dir, 'config.xml'),
    configXml(dir, http, tcp, opts.cluster, pem ? tlsXml(https!, pem.cert, pem.key) : ''),
  );
  fs.writeFileSync(path.join(dir, 'users.xml'), usersXml());
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(CLICKHOUSE_SERVER!, [`--config-file=${path.join(dir, 'config.xml')}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.resume();
    running.add(child);
    child.once('exit', () => running.delete(child));
    await waitReady(http, child, dir);
  };
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => c.once('exit', () => r()));
  await launch();
  return {
    httpPort: http,
    httpsPort: https,
    certFile: pem?.cert ?? null,
    tcpPort: tcp,
    dir,
    url: (user = 'netsift', db = 'default', query = '') =>
      `clickhouse://${user}@127.0.0.1:${http}/${db}${query ? `?${query}` : ''}`,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      await launch();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited(child);
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
