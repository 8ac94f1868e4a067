import { DEFAULT_PLATFORM, formatIssues } from '../../lib/core/index.js';
import { synthesize } from '../../lib/synth/synthesize.js';
import { catalogStack, shopStack, supportStack } from './fixture.js';
const { issues, files } = synthesize([shopStack(), catalogStack(), supportStack()], DEFAULT_PLATFORM);
console.log(issues.length ? formatIssues(issues) : `ok ${files.size}`);
