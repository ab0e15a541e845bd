/**
 * Nick fallback when the wanted nick is taken: `nick_`, `nick__`, then `nick` + three digits,
 * always cut to the server's NICKLEN.
 */

/** The nick to try on attempt `attempt` (0 = the wanted nick). `random` returns 0 ≤ x < 1. */
export function nickCandidate(wanted: string, attempt: number, maxLength: number, random: () => number = Math.random): string {
  const fit = (base: string, suffix: string): string => base.slice(0, Math.max(1, maxLength - suffix.length)) + suffix;
  if (attempt <= 0) return wanted.slice(0, maxLength);
  if (attempt <= 2) return fit(wanted, '_'.repeat(attempt));
  const digits = Math.floor(random() * 1000).toString().padStart(3, '0');
  return fit(wanted, digits);
}
