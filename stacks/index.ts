import type { ServiceStack } from '../lib/core/index.js';
import { harveyBackend } from './harvey-backend.js';

/** Every service of the organisation, in output order. */
export const stacks: readonly ServiceStack[] = [harveyBackend];
export { platform } from './platform.js';
