// The offline provider's answers and pictures are CPU work in the app's workers, so calls to it
// beyond two per worker only wait in the workers' line — after their tasks have read the
// database. A story's fifty pictures starting at once would make those reads in one burst on the
// request thread, and every page and stream would wait behind them.

/** Caps each budget whose calls go to the offline provider at two per CPU worker; others keep theirs. */
export function offlineCaps(caps: Record<string, number>, providerOf: Record<string, string>, workers: number): Record<string, number> {
  const most = 2 * Math.max(1, workers);
  return Object.fromEntries(Object.entries(caps).map(([name, cap]) => [name, providerOf[name] === "offline" ? Math.min(cap, most) : cap]));
}
