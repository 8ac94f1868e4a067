/**
 * A synth writer in a child process, for kill and concurrency tests. Reads one JSON argument:
 * `{ out, files: [[path, content], ...], killAt?: { phase, nth }, pauseAt?: phase }`.
 * `killAt` sends SIGKILL to itself just after the nth occurrence of that phase (a real kill: no cleanup,
 * no finally); `pauseAt` prints `paused <phase>` and waits for a line on stdin.
 * Prints `ok <json summary>`, or `failed <error name> <message>` with exit code 3.
 */
import { createInterface } from 'node:readline';
import { writeDist, type WritePhase } from '../../../../lib/synth/write-dist.js';

interface ChildArgs {
  readonly out: string;
  readonly files: [string, string][];
  readonly killAt?: { readonly phase: WritePhase; readonly nth: number };
  readonly pauseAt?: WritePhase;
  readonly keepForeign?: boolean;
}

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const seen = new Map<WritePhase, number>();
const stdin = createInterface({ input: process.stdin });
const lines = stdin[Symbol.asyncIterator]();

try {
  const summary = await writeDist(new Map(args.files), args.out, {
    keepForeign: args.keepForeign,
    log: (m) => console.error(`notice ${m}`),
    onPhase: async (phase) => {
      const nth = (seen.get(phase) ?? 0) + 1;
      seen.set(phase, nth);
      if (args.killAt?.phase === phase && args.killAt.nth === nth) process.kill(process.pid, 'SIGKILL');
      if (args.pauseAt === phase && nth === 1) {
        console.log(`paused ${phase}`);
        await lines.next();
      }
    },
  });
  console.log(`ok ${JSON.stringify(summary)}`);
  stdin.close();
} catch (error) {
  console.log(`failed ${(error as Error).name} ${(error as Error).message}`);
  stdin.close();
  process.exitCode = 3;
}
