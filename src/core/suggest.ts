/**
 * "Did you mean …?" for a mistyped command word: the candidates within a
 * small optimal-string-alignment distance (adjacent swaps count 1, so
 * `smaple` → `sample`), best first. Same rule as commander's own suggestion
 * for subcommands (`rectify lsit` → `list`): distance <= 40 % of the length.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), in code points. */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[s.length]![t.length]!;
}

/** Candidates close to `word` (distance <= max(1, 40 % of its length)), closest first; [] when none is. */
export function suggest(word: string, candidates: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(word.length * 0.4));
  return candidates
    .map((c) => ({ c, d: editDistance(word.toLowerCase(), c) }))
    .filter((x) => x.d <= limit || (word.length >= 3 && x.c.startsWith(word.toLowerCase())))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .map((x) => x.c);
}
