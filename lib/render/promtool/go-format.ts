/**
 * Go's `fmt` formatting of float64, byte for byte, for the verbs Prometheus alert templates use:
 * `%v` (what `{{ $value }}` prints), `%e`, `%f` and `%g` with an optional precision (`%.4g` is what
 * humanize* print). promtool compares annotations exactly, so "close enough" is not enough: digits are
 * rounded from the exact binary value with ties to even (Go's strconv), never from a decimal approximation.
 */

/** A finite, non-negative number as decimal digits: value = 0.d1d2d3... × 10^dp; no trailing zeros. */
interface Decimal {
  readonly digits: string;
  readonly dp: number;
}

export type FloatVerb = 'v' | 'e' | 'f' | 'g';

/** `fmt.Sprintf("%<verb>", x)`, or `%.<precision><verb>` when a precision is given (not for `v`). */
export function formatGoFloat(x: number, verb: FloatVerb, precision?: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (precision !== undefined && (!Number.isInteger(precision) || precision < 0)) {
    throw new Error(`precision must be a non-negative integer, got ${precision}`);
  }
  if (verb === 'v' && precision !== undefined) throw new Error('%v takes no precision in alert templates');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const abs = Math.abs(x);
  switch (verb) {
    case 'v':
      return sign + formatG(shortestDecimal(abs), undefined);
    case 'g':
      if (precision === undefined) return sign + formatG(shortestDecimal(abs), undefined);
      // Go reads %.0g as %.1g.
      return sign + formatG(roundAt(exactDecimal(abs), Math.max(precision, 1)), Math.max(precision, 1));
    case 'e': {
      const prec = precision ?? 6;
      return sign + fmtE(roundAt(exactDecimal(abs), prec + 1), prec);
    }
    case 'f': {
      const prec = precision ?? 6;
      const exact = exactDecimal(abs);
      return sign + fmtF(roundAt(exact, exact.dp + prec), prec);
    }
  }
}

/** strconv's `%g`: exponent form when the exponent is < -4 or >= the precision (6 for the shortest form). */
function formatG(d: Decimal, precision: number | undefined): string {
  const nd = d.digits.length;
  let prec = precision ?? nd;
  let eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  if (precision === undefined) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    return fmtE(d, Math.max(prec - 1, 0));
  }
  if (prec > d.dp) prec = nd;
  return fmtF(d, Math.max(prec - d.dp, 0));
}

/** `d.ddde±XX` with `prec` digits after the point (zero-padded), exponent at least two digits. */
function fmtE(d: Decimal, prec: number): string {
  let out = d.digits[0] ?? '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += d.digits[i] ?? '0';
  }
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return `${out}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** `ddd.ddd` with `prec` digits after the point. */
function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) out += d.digits[i] ?? '0';
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = d.dp + i - 1;
      out += j >= 0 && j < d.digits.length ? d.digits[j] : '0';
    }
  }
  return out;
}

/** The shortest digits that read back as the same float64: JavaScript and Go agree on these. */
function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { digits: '', dp: 0 };
  const [mantissa = '', exponent = '0'] = abs.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  return trim({ digits, dp: Number(exponent) + 1 });
}

/** Exact expansions already computed: scenarios format the same few values over and over. */
const exactDecimals = new Map<number, Decimal>();

/** Every digit of the binary value (a float64 always has a finite decimal expansion). */
function exactDecimal(abs: number): Decimal {
  let d = exactDecimals.get(abs);
  if (!d) {
    if (exactDecimals.size >= 10_000) exactDecimals.clear();
    d = expandExactly(abs);
    exactDecimals.set(abs, d);
  }
  return d;
}

function expandExactly(abs: number): Decimal {
  if (abs === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const exponentBits = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent: number;
  if (exponentBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return trim({ digits, dp: digits.length });
  }
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return trim({ digits, dp: digits.length + exponent });
}

/** Keeps the first `nd` digits, rounding half to even on exact ties (Go's decimal.Round / ryu). */
function roundAt(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: 0 };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next !== 5) {
    up = next > 5;
  } else if (d.digits.length > nd + 1) {
    up = true; // digits were trimmed, so anything after the 5 is non-zero
  } else {
    up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  }
  if (!up) return trim({ digits: d.digits.slice(0, nd), dp: d.dp });
  let i = nd - 1;
  while (i >= 0 && d.digits[i] === '9') i--;
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  const digits = d.digits.slice(0, i) + String.fromCharCode(d.digits.charCodeAt(i) + 1);
  return { digits, dp: d.dp };
}

function trim(d: Decimal): Decimal {
  let digits = d.digits;
  let dp = d.dp;
  while (digits.startsWith('0')) {
    digits = digits.slice(1);
    dp--;
  }
  digits = digits.replace(/0+$/, '');
  return digits === '' ? { digits: '', dp: 0 } : { digits, dp };
}
