// Serves the built renderer folder; never anything outside it. `pathname` is already decoded.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { STATIC_TYPES } from '../../shared/web-security';

export function serveStatic(root: string, pathname: string, res: http.ServerResponse): void {
  const rel = pathname === '/' ? '/index.html' : pathname;
  const file = path.resolve(root, '.' + rel);
  if (
    !file.startsWith(path.resolve(root) + path.sep) ||
    !fs.existsSync(file) ||
    !fs.statSync(file).isFile()
  ) {
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`netsift: the renderer is not built (${root}/index.html missing); run npm run build`);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
  });
  fs.createReadStream(file).pipe(res);
}
