// Each source file is parsed once per process, however many data specs of a sweep share it.
import { utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOnce } from '../src/sources/file-cache.ts';
import { tempDir, write } from './helpers.ts';

describe('parseOnce', () => {
  it('parses a file once per variant, and again once it is rewritten', () => {
    const file = write(tempDir(), 'a.csv', '0,1\n');
    let parses = 0;
    const parse = () => ++parses;
    expect([parseOnce(file, 'x', parse), parseOnce(file, 'x', parse)]).toEqual([1, 1]);
    expect(parseOnce(file, 'y', parse)).toBe(2);
    writeFileSync(file, '0,1\n1,2\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(parseOnce(file, 'x', parse)).toBe(3);
  });
});
