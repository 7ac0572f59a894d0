// The committed sample must be exactly what the generator produces (npm run sample rewrites it).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { makeTmpDir } from '../../../tests/helpers/tmp';
import { companionFiles, generateCapture } from './index';
import { SAMPLE_FILE } from './sample';

const tmp = makeTmpDir('netsift-sample-');
afterAll(() => tmp.cleanup());
const ROOT = path.resolve(import.meta.dirname, '../../..');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

it('the bundled sample equals the generator output (run `npm run sample` after changing the generator)', async () => {
  const committed = companionFiles(path.join(ROOT, SAMPLE_FILE));
  const r = await generateCapture({ out: tmp.file('sample.csv') });
  expect(r.flows).toBeGreaterThan(130_000);
  expect(sha(fs.readFileSync(r.files.flows))).toBe(sha(zlib.gunzipSync(fs.readFileSync(committed.flows))));
  expect(sha(fs.readFileSync(r.files.labels))).toBe(sha(zlib.gunzipSync(fs.readFileSync(committed.labels))));
  expect(fs.readFileSync(r.files.incidents, 'utf8')).toBe(fs.readFileSync(committed.incidents, 'utf8'));
  expect(fs.readFileSync(r.files.benign, 'utf8')).toBe(fs.readFileSync(committed.benign, 'utf8'));
});
