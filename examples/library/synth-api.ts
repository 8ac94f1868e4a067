// The synth API without the CLI: render in memory (to inspect or post-process), or write a folder.
import { runSynth, synthesize } from 'observability-as-code';
import { checkout, platform } from './service.js';

const { files, issues } = synthesize([checkout], platform);
if (issues.length > 0) throw new Error(`checkout has ${issues.length} problem(s)`);
console.log(`${files.size} files, e.g. ${[...files.keys()].filter((p) => p.endsWith('.yaml')).slice(0, 2).join(', ')}`);

// The same as `oac synth --out generated`: validates, writes atomically, returns the exit code.
process.exitCode = await runSynth([checkout], platform, { check: false, outDir: 'generated', promtool: 'off' });
