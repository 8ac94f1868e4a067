import { parser } from '@prometheus-io/lezer-promql';
import { Duration } from '../core/units.js';

/**
 * Time compression for the test profile: every duration of a rendered rule (range windows, subquery
 * ranges and steps, offsets, `for`, group intervals) divided by one factor, so a rule behaves on a
 * timeline `factor` times shorter exactly as it does in production (5m windows over 30s scrapes become
 * 5s windows over 500ms scrapes: the same 10 samples per window, the same `for` in evaluations).
 *
 * Values are not durations and stay as they are: thresholds (`> 5` seconds of latency, `< 1` document
 * per hour), per-second rates and `* 3600`. Functions whose numeric arguments or results are wall-clock
 * seconds (`predict_linear`'s horizon, `time()`, `timestamp()`) cannot be compressed by rewriting windows,
 * so an expression using them is refused rather than silently mis-scaled.
 */
export class TimeScale {
  private constructor(
    /** How many times faster the test timeline runs: 60 turns 1m into 1s. */
    readonly factor: number,
  ) {}

  static of(factor: number): TimeScale {
    if (!Number.isFinite(factor) || factor < 1) throw new Error(`time scale factor ${factor} is invalid; allowed: a number >= 1 (60 turns 1m into 1s)`);
    return new TimeScale(factor);
  }

  /** `5m` → `5s` at 60x. Prometheus durations have millisecond resolution; anything shorter is refused. */
  duration(text: string): string {
    if (text === '0s' || text === '0') return text;
    const parsed = Duration.parse(text);
    if (!parsed.ok) throw new Error(`'${text}' is not a Prometheus duration; allowed: ${parsed.allowed}`);
    const ms = (parsed.value.seconds * 1000) / this.factor;
    if (ms < 1 || Math.abs(ms - Math.round(ms)) > 1e-6) {
      throw new Error(`${text} / ${this.factor} = ${ms}ms is not a whole number of milliseconds; choose a factor that divides it`);
    }
    return Duration.ofSeconds(Math.round(ms) / 1000).text;
  }

  /** The expression with every duration literal scaled, read through Prometheus's own grammar. */
  promql(expr: string): string {
    const edits: { from: number; to: number; text: string }[] = [];
    const refused: string[] = [];
    parser.parse(expr).iterate({
      enter: (ref) => {
        if (ref.name === 'NumberDurationLiteralInDurationContext') {
          edits.push({ from: ref.from, to: ref.to, text: this.duration(expr.slice(ref.from, ref.to)) });
        } else if (ref.name === 'FunctionIdentifier' && WALL_CLOCK_FUNCTIONS.has(expr.slice(ref.from, ref.to))) {
          refused.push(expr.slice(ref.from, ref.to));
        }
      },
    });
    if (refused.length > 0) {
      throw new Error(`cannot time-scale '${expr}': ${refused.join(', ')} take or return wall-clock seconds; allowed: expressions whose only time values are durations`);
    }
    let out = expr;
    for (const edit of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, edit.from) + edit.text + out.slice(edit.to);
    return out;
  }
}

const WALL_CLOCK_FUNCTIONS = new Set(['predict_linear', 'time', 'timestamp', 'holt_winters', 'double_exponential_smoothing']);
