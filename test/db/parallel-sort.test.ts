/** db/open.ts withParallelSort: the sorter settings hold for the callback only, also when it throws. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, withParallelSort } from '../../src/db/open.js';
import { tmpDir } from '../helpers/tmp.js';

describe('withParallelSort', () => {
  it('sets a helper thread and a 4 MB cache inside, and restores the connection after, also after a throw', () => {
    const db = openDb(path.join(tmpDir(), 'qa.sqlite'));
    const before = [db.pragma('threads', { simple: true }), db.pragma('cache_size', { simple: true })];
    expect(withParallelSort(db, () => [db.pragma('threads', { simple: true }), db.pragma('cache_size', { simple: true })])).toEqual([1, -4096]);
    expect([db.pragma('threads', { simple: true }), db.pragma('cache_size', { simple: true })]).toEqual(before);
    expect(() =>
      withParallelSort(db, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect([db.pragma('threads', { simple: true }), db.pragma('cache_size', { simple: true })]).toEqual(before);
    db.close();
  });
});
