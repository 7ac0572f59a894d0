// Headless Chromium keeps its sandbox for the PDF export except as root on Linux, where it cannot
// start with it (issue 15). The PDF export itself runs in report.test.ts.
import { describe, expect, it } from 'vitest';
import { sandboxArgs } from './pdf';

describe('sandboxArgs', () => {
  it('adds --no-sandbox only for root on Linux', () => {
    expect(sandboxArgs('linux', 0)).toEqual(['--no-sandbox']);
    expect(sandboxArgs('linux', 1000)).toEqual([]);
    expect(sandboxArgs('darwin', 501)).toEqual([]);
    expect(sandboxArgs('win32', -1)).toEqual([]);
  });
});
