// A TCP proxy on 127.0.0.1 in front of a server, to pull the plug mid-request: `cutAfter(bytes)`
// destroys every open connection once that many bytes went client -> server, and refuses new
// ones until `heal()`.
import net from 'node:net';

export interface CutProxy {
  port: number;
  /** Bytes forwarded client -> server so far. */
  readonly sent: number;
  cutAfter(bytes: number): Promise<void>;
  heal(): void;
  close(): Promise<void>;
}

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const open = new Set<net.Socket>();
  let sent = 0;
  let limit = Infinity;
  let down = false;
  let onCut: (() => void) | null = null;
  const cut = () => {
    down = true;
    for (const s of open) s.destroy();
    open.clear();
    onCut?.();
  };
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    client.on('data', (d: Buffer) => {
      sent += d.length;
      if (sent > limit) return cut();
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    get sent() {
      return sent;
    },
    cutAfter(bytes: number) {
      limit = sent + bytes;
      return new Promise<void>((r) => (onCut = r));
    },
    heal() {
      down = false;
      limit = Infinity;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
