/** Cache entries and files handled at once (bounded for 10,000 services). */
const AT_ONCE = 64;

/** `work` on every item, `AT_ONCE` at a time. */
export async function fewAtATime<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let at = 0; at < items.length; at += AT_ONCE) await Promise.all(items.slice(at, at + AT_ONCE).map(work));
}
