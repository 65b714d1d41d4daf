/** True for data written as literals (objects and arrays), false for class instances such as shells. */
function plain(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || proto === Object.prototype || proto === null;
}

/** Freezes plain data all the way down, so a change made behind the journal's back throws where it is made. */
export function deepFreeze<T>(value: T): T {
  if (plain(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
