import { harveyLikeStack } from '../../../../bench/harvey-like-stack.js';
import type { ServiceStack } from '../../../../lib/core/index.js';

/**
 * An entry as `oac` loads it, for synth's worker threads: three Harvey-like services, the second one
 * changed (another CPU threshold) when OAC_TEST_CHANGED=1, so a test can change the organisation.
 */
const changed = process.env.OAC_TEST_CHANGED === '1';
export const stacks: readonly ServiceStack[] = [0, 1, 2].map((i) => harveyLikeStack(i, changed && i === 1 ? 1 : 0));
export { platform } from '../../../../stacks/platform.js';
