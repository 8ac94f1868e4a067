import { readFileSync } from 'node:fs';
import { splitTestJob, proveAll } from './lib/testing/promtool-split.js';
const svc = process.argv[2]!;
const job = { files: { 'prometheus-rules.yaml': readFileSync(`dist/${svc}/prometheus-rules.yaml`, 'utf8'), 'prometheus-rules.test.yaml': readFileSync(`dist/${svc}/prometheus-rules.test.yaml`, 'utf8') }, testFile: 'prometheus-rules.test.yaml' };
const parts = splitTestJob(job);
console.log(svc, parts.length, 'parts', parts.map((p) => (p.files['prometheus-rules.yaml']!.match(/^ {6}- (record|alert):/gm) ?? []).length + 'r/' + (p.files['prometheus-rules.test.yaml']!.match(/^ {2}- name:/gm) ?? []).length + 't').join(' '));
const t = performance.now();
const [r] = await proveAll([job], { cacheDir: false });
console.log(r!.ok, JSON.stringify(r!.output), ((performance.now() - t) / 1000).toFixed(1), 's wall', r!.seconds.toFixed(1), 's summed');
