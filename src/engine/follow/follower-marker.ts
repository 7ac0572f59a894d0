// While a follower runs, a small marker beside the case says who follows what, so that another
// process refused by DuckDB's lock (`netsift serve` on the same case) can name the follower
// instead of an anonymous pid (store/case-store.ts reads it). Removed when following ends; a
// marker left by a process that died is ignored (its pid no longer holds the lock).
import fs from 'node:fs';
import path from 'node:path';

export function writeFollowerMarker(spoolDir: string, source: string): () => void {
  const file = path.join(spoolDir, 'follower.json');
  try {
    fs.mkdirSync(spoolDir, { recursive: true });
    fs.writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, source, started: new Date().toISOString() }),
    );
  } catch {
    return () => undefined; // a read-only folder: the lock message stays anonymous
  }
  return () => {
    try {
      const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
      if (m.pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // gone already
    }
  };
}
