// Imported (`node --import`) into the `oac` process the bench measures: at exit, its CPU time and peak RSS,
// worker threads included, go to the file $OAC_BENCH_USAGE names.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(process.env.OAC_BENCH_USAGE, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMiB: usage.maxRSS / 1024 }));
});
