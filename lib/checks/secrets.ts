import type { ValidationIssue } from '../core/issues.js';
import { issueFactory, type RenderedService } from './rendered-service.js';

/**
 * What secret-looking text looks like. Generated files are committed and applied by CI, so a token
 * pasted into a runbook step, an alert description or a dashboard link would leak. Each pattern's
 * `secret` group is what gets redacted in the report.
 */
export interface SecretPattern {
  readonly what: string;
  readonly pattern: RegExp;
  /** Passwords are chosen by people: none of it is shown. Tokens show their (public) type prefix. */
  readonly hideAll?: boolean;
  /**
   * For a pattern that is slow to run over a whole file (it may start at any word or URL), what every
   * match holds: `literal`, a fast search for a text each match contains, and `before`, the one character
   * class of everything a match holds before that text. The pattern then runs only at the places that
   * can start a match (a literal found, and the run of `before` characters right before it), and finds
   * exactly what it would find over the whole file.
   */
  readonly anchor?: { readonly literal: RegExp; readonly before: RegExp };
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { what: 'a private key', pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----(?<secret>[\s\S]{0,64})/g },
  { what: 'an AWS access key id', pattern: /\b(?<secret>(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16})\b/g },
  { what: 'an AWS secret access key', pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?(?<secret>[A-Za-z0-9/+=]{40})/gi },
  { what: 'a GitHub token', pattern: /\b(?<secret>(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,}))/g },
  { what: 'a Slack token', pattern: /\b(?<secret>xox[abposr]-[A-Za-z0-9-]{10,})/g },
  { what: 'a Slack webhook URL', pattern: /(?<secret>https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,})/g },
  { what: 'an OpenAI or Anthropic API key', pattern: /\b(?<secret>sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,})/g },
  { what: 'a Google API key', pattern: /\b(?<secret>AIza[0-9A-Za-z_-]{35})/g },
  { what: 'a Stripe secret key', pattern: /\b(?<secret>[sr]k_live_[0-9A-Za-z]{16,})/g },
  { what: 'a JSON web token', pattern: /\b(?<secret>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g },
  { what: 'a bearer token', pattern: /\bBearer\s+(?<secret>[A-Za-z0-9._~+/-]{16,}=*)/g },
  {
    what: 'a password in a URL',
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`]+:(?<secret>[^\s@/"'`]+)@/gi,
    hideAll: true,
    anchor: { literal: /:\/\//g, before: /[a-z0-9+.-]/i },
  },
  {
    what: 'a credential in a URL query',
    pattern: /[?&](?:password|passwd|pwd|token|access_token|api_?key|apikey|secret|client_secret)=(?<secret>[^&\s"'`#]+)/gi,
    hideAll: true,
  },
  {
    what: 'a password or secret assignment',
    pattern: /\b\w*?(?:password|passwd|client_secret|secret_key|api_key|apikey|auth_token|access_token)\b["']?\s*[:=]\s*["']?(?<secret>[^\s"'`,;{}<>$]{6,})/gi,
    hideAll: true,
    anchor: { literal: /password|passwd|client_secret|secret_key|api_key|apikey|auth_token|access_token/gi, before: /\w/ },
  },
];

export interface SecretFinding {
  readonly what: string;
  /** 1-based line in the file. */
  readonly line: number;
  /**
   * The match with the secret part redacted: only its length is kept, plus its first four characters
   * for machine tokens of 16 characters or more (their type prefix, as GitHub and AWS show them).
   */
  readonly redacted: string;
}

/** Secret-looking values in a text, redacted. */
export function findSecrets(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const seen = new Set<number>();
  for (const secretPattern of SECRET_PATTERNS) {
    const { what, hideAll } = secretPattern;
    for (const match of patternMatches(text, secretPattern)) {
      const secret = match.groups?.secret ?? match[0];
      const start = match.index + match[0].indexOf(secret);
      if (seen.has(start) || isPlaceholder(secret)) continue;
      seen.add(start);
      const before = match[0].slice(0, match[0].indexOf(secret));
      findings.push({ what, line: text.slice(0, start).split('\n').length, redacted: `${before}${redact(secret, hideAll)}` });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

/** The same matches, in the same order, as `text.matchAll(pattern)` (exported for its test). */
export function patternMatches(text: string, { pattern, anchor }: SecretPattern): Iterable<RegExpExecArray> {
  if (!anchor) return text.matchAll(pattern);
  const matches: RegExpExecArray[] = [];
  const at = stickyOf(pattern);
  const { literal, before } = anchor;
  let next = 0; // the first place not yet tried; no match starts inside the last one, as with matchAll
  literal.lastIndex = 0;
  for (let found = literal.exec(text); found !== null; found = literal.exec(text)) {
    const literalAt = found.index;
    literal.lastIndex = literalAt + 1; // every place the literal is found, overlapping ones too
    let start = literalAt;
    while (start > 0 && before.test(text[start - 1]!)) start--;
    // Every match holding this literal starts in [start, literalAt]: try each place in order, as matchAll does.
    for (let p = Math.max(start, next); p <= literalAt; next = p) {
      at.lastIndex = p;
      const match = at.exec(text);
      if (match === null) p++;
      else {
        matches.push(match);
        p += Math.max(match[0].length, 1);
      }
    }
  }
  return matches;
}

const stickyPatterns = new WeakMap<RegExp, RegExp>();
/** The pattern matched at one place only (`lastIndex`), not searched for. */
function stickyOf(pattern: RegExp): RegExp {
  let sticky = stickyPatterns.get(pattern);
  if (!sticky) stickyPatterns.set(pattern, (sticky = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}y`)));
  return sticky;
}

/**
 * No rendered file of the service contains a secret-looking value (report names the file, line and
 * kind; the value itself is redacted).
 *
 *   RUNBOOK.md: 'Bearer eyJh…(redacted, 120 characters)' is invalid; allowed: no secrets in generated files
 *     (a bearer token on line 42): reference a Kubernetes Secret or an environment variable instead
 */
export function secretIssues(rendered: RenderedService): ValidationIssue[] {
  const issue = issueFactory(rendered.stack.service.name);
  const issues: ValidationIssue[] = [];
  for (const [path, content] of rendered.files) {
    for (const finding of findSecrets(content)) {
      issues.push(issue(path, finding.redacted,
        `no secrets in generated files (${finding.what} on line ${finding.line}): they are committed and applied by CI; ` +
        'reference a Kubernetes Secret or an environment variable instead'));
    }
  }
  return issues;
}

/** `<token>`, `${TOKEN}`, `$TOKEN`, `{{ .token }}`, `xxxx`, `***`: documentation, not a secret. */
function isPlaceholder(secret: string): boolean {
  return /^[<$]|^\{\{|^(?:x+|\*+|\.+|changeme|redacted|example|placeholder)$/i.test(secret);
}

function redact(secret: string, hideAll = false): string {
  const shown = hideAll || secret.length < 16 ? '' : secret.slice(0, 4);
  return `${shown}…(redacted, ${secret.length} characters)`;
}
