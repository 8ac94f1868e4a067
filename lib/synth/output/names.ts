/**
 * Names synth reserves inside an output folder. Everything synth keeps there besides the files it renders
 * starts with `.oac-`, so users, `.gitignore` files and the foreign-file scan can recognise it.
 */

/** The committed list of the files synth wrote, with their hashes. */
export const MANIFEST_NAME = '.oac-manifest.json';

/**
 * The transaction folder of the run that holds the output folder: its owner (pid), the staged new files,
 * backups of the files it replaces and, once committed, the journal. Existing = locked.
 * It holds a `.gitignore` of `*`, so git never shows it, in this repo or in a consumer's.
 */
export const TXN_NAME = '.oac-txn';

/** `.oac-txn.<pid>.<kind>`: a transaction folder being prepared, moved aside as stale, or being removed. */
export const TXN_LEFTOVER = /^\.oac-txn\.(\d+)\.(new|stale|done)(?:-\d+)?$/;

/** True for entries of the output folder that belong to the writer itself rather than to the output. */
export function isWriterEntry(topLevelName: string): boolean {
  return topLevelName === MANIFEST_NAME || topLevelName === TXN_NAME || TXN_LEFTOVER.test(topLevelName);
}
