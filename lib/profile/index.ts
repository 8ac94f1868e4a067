export { TimeScale } from './time-scale.js';
export { DEFAULT_TIME_SCALE, scaleGroup, testProfile, type TestProfile, type TestProfileOptions } from './test-profile.js';
