/**
 * The order in which DNS SRV targets are tried (RFC 2782): lowest priority first; within one
 * priority, a weighted random order where a record's chance to come next is its share of the
 * remaining weight (weight-0 records come last in practice, with a small chance only when all
 * that is left weighs 0).
 */

/** The fields of an SRV record the order depends on. */
export interface Weighted {
  readonly priority: number;
  readonly weight: number;
}

/**
 * Orders `records` for trying (a new array; the input is not changed).
 * @param random - a number in [0, 1) per pick (`Math.random`; tests pass their own).
 */
export function orderSrvRecords<T extends Weighted>(records: readonly T[], random: () => number = Math.random): T[] {
  const byPriority = new Map<number, T[]>();
  for (const record of records) {
    const group = byPriority.get(record.priority);
    if (group === undefined) byPriority.set(record.priority, [record]);
    else group.push(record);
  }
  const priorities = [...byPriority.keys()].sort((a, b) => a - b);
  return priorities.flatMap((priority) => weightedOrder(byPriority.get(priority) ?? [], random));
}

/**
 * RFC 2782's selection within one priority: weight-0 records first in the list, then repeatedly
 * a running sum is compared with a random number in [0, total] and the first record whose sum
 * reaches it is taken out.
 */
function weightedOrder<T extends Weighted>(group: readonly T[], random: () => number): T[] {
  const left = [...group.filter((r) => r.weight === 0), ...group.filter((r) => r.weight !== 0)];
  const ordered: T[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, r) => sum + r.weight, 0);
    const target = Math.min(total, Math.floor(clampUnit(random()) * (total + 1)));
    let sum = 0;
    let index = left.findIndex((r) => {
      sum += r.weight;
      return sum >= target;
    });
    if (index < 0) index = left.length - 1; // not reached: the last running sum is the total
    ordered.push(...left.splice(index, 1));
  }
  return ordered;
}

/** A random source outside [0, 1) (a bad test double) must not break the order. */
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999_999 : value;
}
