// GET /api/exports/<file>?ticket=...: hands a report the service wrote under NETSIFT_HOME/exports
// to the browser as a download. The ticket (one use, this file only) is checked before this
// (http-server.ts); only plain file names inside the exports folder are served.
import fs from 'node:fs';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';
import { exportedFile, NetsiftError } from '../../engine/index';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
};

export async function sendExport(name: string, res: http.ServerResponse): Promise<void> {
  const file = exportedFile(name);
  if (!file) throw new NetsiftError(`no exported report named ${name}`, 'usage');
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': fs.statSync(file).size,
    // a download, never rendered in the app's origin (an HTML report must not run beside the token)
    'content-disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '')}"`,
    'cache-control': 'no-store',
  });
  await pipeline(fs.createReadStream(file), res);
}
