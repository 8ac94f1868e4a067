import type { ServiceStack } from '../lib/core/index.js';
import { customerSupport } from './customer-support.js';
import { equivalenceEngine } from './equivalence-engine.js';
import { harvenAi } from './harven-ai.js';
import { harveyBackend } from './harvey-backend.js';

/** Every service of the organisation, in output order. */
export const stacks: readonly ServiceStack[] = [harveyBackend, harvenAi, equivalenceEngine, customerSupport];
export { platform } from './platform.js';
