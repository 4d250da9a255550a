/**
 * The one glob matcher of rules, outbound triggers and the timeline filter: `*` is any run of
 * characters, everything else literal. It never backtracks: the first and last segments are a prefix
 * and suffix, and each middle segment is found leftmost after the one before it (for `*`-only globs
 * the leftmost choice is always right), so one match costs O(value length x pattern length) at worst,
 * and patterns are bounded. A regular expression built from `*a*a*a*b` backtracks exponentially instead.
 */

export const GLOB_LIMITS = {
  /** Characters in a pattern, at most. */
  maxLength: 200,
  /** `*` in a pattern, at most. */
  maxStars: 8,
} as const;

export interface Glob {
  readonly pattern: string;
  matches(value: string): boolean;
}

/** Why a pattern is refused (for a 400 naming the field), or null when it is fine. */
export function globProblem(pattern: string): string | null {
  if (pattern.length > GLOB_LIMITS.maxLength) return `must be at most ${GLOB_LIMITS.maxLength} characters`;
  let stars = 0;
  for (const char of pattern) if (char === '*') stars++;
  if (stars > GLOB_LIMITS.maxStars) return `must have at most ${GLOB_LIMITS.maxStars} '*' wildcards`;
  return null;
}

/** Compiles a pattern; throws on one `globProblem` refuses (validate first, with a clear message). */
export function compileGlob(pattern: string): Glob {
  const problem = globProblem(pattern);
  if (problem) throw new RangeError(`glob ${problem}`);
  return buildGlob(pattern);
}

/**
 * Compiles a pattern that is already stored (a rule saved before the limits existed, a configured list):
 * never throws, so what was accepted once keeps matching as it did; still linear in the value, at a cost
 * that grows with the pattern. New patterns are checked with `globProblem` and compiled with `compileGlob`.
 */
export function compileStoredGlob(pattern: string): Glob {
  return buildGlob(pattern);
}

function buildGlob(pattern: string): Glob {
  if (!pattern.includes('*')) return { pattern, matches: (value) => value === pattern };
  // Consecutive stars are one star.
  const segments = pattern.split('*');
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((segment) => segment.length > 0);
  const minLength = first.length + last.length + middle.reduce((sum, s) => sum + s.length, 0);
  return {
    pattern,
    matches(value: string): boolean {
      if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
      let from = first.length;
      const end = value.length - last.length;
      for (const segment of middle) {
        const at = value.indexOf(segment, from);
        if (at === -1 || at + segment.length > end) return false;
        from = at + segment.length;
      }
      return true;
    },
  };
}

const cache = new Map<string, Glob>();
const CACHE_MAX = 10_000;

/** Whether `value` matches `pattern`, with compiled patterns kept (bounded) for hot paths. */
export function globMatches(pattern: string, value: string): boolean {
  let glob = cache.get(pattern);
  if (!glob) {
    if (cache.size >= CACHE_MAX) cache.clear();
    glob = compileGlob(pattern);
    cache.set(pattern, glob);
  }
  return glob.matches(value);
}
