/**
 * Time scale of the live suite: 1m → 1s, so a 5m window over 30s scrapes is 5s over 500ms scrapes (the
 * same 10 samples) and a ticket's 1h `for` is 60s. 120x was tried: its 250ms scrape timeout fails scrapes
 * on a loaded 2-core machine (load average 20 while other suites run), and a failed scrape is `up == 0`.
 * Rules are loaded only once every target has been scraped (support/prometheus.ts): loaded at start,
 * `absent(up)` would outlast the 1s `for` while service discovery hands over its first targets.
 */
export const LIVE_TIME_SCALE = 60;
