/**
 * Lookup tables keyed by what users type (a cell, a flag value). A plain
 * object literal answers `constructor`, `__proto__` or `toString` from
 * Object.prototype: a record_type cell `constructor` came back as a function
 * and crashed the import (exit 70) instead of being a row problem. A table
 * made here has no prototype, so only its own keys are found.
 *
 * @param entries the table's keys and values
 * @returns a frozen object without a prototype
 */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
