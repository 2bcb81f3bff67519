/**
 * The sampling rank of an item (SPEC §3): a hash of (seed, kind, item id);
 * the lowest ranks win. Anyone can recompute it:
 *
 *   printf '%s' '<seed>:<kind>:<id>' | sha256sum   → first 12 hex digits
 *
 * 48 bits fit exactly in a JavaScript number and an SQLite INTEGER. Ties
 * (astronomically rare) are broken by the id, so the order is total.
 */
import crypto from 'node:crypto';

export type RankKind = 'records' | 'calls';

export function rankOf(seed: string, kind: RankKind, id: string): number {
  return parseInt(crypto.hash('sha256', `${seed}:${kind}:${id}`, 'hex').slice(0, 12), 16);
}

/** Total order on (rank, id). */
export function compareRank(a: { rank: number; id: string }, b: { rank: number; id: string }): number {
  return a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
