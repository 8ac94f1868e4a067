export { TimeScale } from './time-scale.js';
export { DEFAULT_TIME_SCALE, scaleAlertmanagerConfig, scaleGroup, testProfile, type TestProfile, type TestProfileOptions } from './test-profile.js';
