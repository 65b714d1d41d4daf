/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate closest to `word`, if it is close enough to be a likely misspelling. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // Up to a third of the word may be wrong; beyond that the suggestion is noise.
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** "did you mean 'x'?" when one candidate is close, otherwise the valid ones; `kinds` is plural ("networks"). */
export function suggestion(word: string, candidates: readonly string[], kinds: string): string {
  const near = closest(word, candidates);
  if (near) return `did you mean '${near}'?`;
  if (!candidates.length) return `there are no ${kinds} to refer to; define one first`;
  return `use one of the ${kinds}: ${candidates.join(', ')}`;
}
