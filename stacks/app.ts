import { parseArgs, runSynth } from '../lib/synth/cli.js';
import { platform, stacks } from './index.js';

// The app entry of `npm run synth`: the organisation's stacks through the library's synth.
process.exitCode = await runSynth(stacks, platform, parseArgs(process.argv.slice(2)));
