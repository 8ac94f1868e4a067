import { runPromtoolTestsAll, type PromtoolResult } from '../../lib/testing/promtool.js';
import { splitTestJob } from '../../lib/testing/promtool-split.js';

/**
 * `promtool test rules` on `files` as `oac test` splits them (each run loads only the rules its test
 * groups read: lib/testing/promtool-split.ts), every part run, their outputs joined. Unlike `proveAll`,
 * a failing part does not rerun the whole file: mutation tests read each failed group from the parts,
 * which report exactly the groups the whole file fails (test/lib/render/promtool/slo-scenarios.test.ts
 * checks both ways on the same mutation).
 */
export async function runSplit(files: Readonly<Record<string, string>>, testFile: string): Promise<PromtoolResult> {
  const results = await runPromtoolTestsAll(splitTestJob({ files, testFile }), { cacheDir: false });
  return { ok: results.every((r) => r.ok), output: results.map((r) => r.output).join('') };
}
