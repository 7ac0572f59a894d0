// npm run sample: regenerates the bundled sample capture (70 min, ~150k flows, seed 1) in
// resources/sample/. Deterministic: src/engine/generate/sample.test.ts checks that the committed
// files are what the generator produces.
import path from 'node:path';
import { generateCapture } from '../src/engine/generate/index';
import { SAMPLE_FILE } from '../src/engine/generate/sample';

const out = path.resolve(import.meta.dirname, '..', SAMPLE_FILE);
const r = await generateCapture({ out });
console.log(`${path.relative(process.cwd(), out)}: ${r.flows} flows, ${r.incidents.length} incidents`);
