import { describe, expect, it } from 'vitest';
import { findSecrets, patternMatches, SECRET_PATTERNS, secretIssues, type SecretPattern } from '../../../lib/checks/secrets.js';
import { harveyBackend } from '../../../stacks/harvey-backend.js';
import { platform } from '../../../stacks/platform.js';
import { rendered } from './fixture.js';

const shop = rendered();
const harvey = rendered(harveyBackend, platform);

/** One text of each kind of secret, and the kind findSecrets names. */
const EXAMPLES: readonly (readonly [string, string])[] = [
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB', 'a private key'],
    ['key: AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'an AWS secret access key'],
    ['token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['xoxb-123456789012-abcdefghijkl', 'a Slack token'],
    ['https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX', 'a Slack webhook URL'],
    ['OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwx', 'an OpenAI or Anthropic API key'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'a Google API key'],
    ['sk_live_0123456789abcdefghij', 'a Stripe secret key'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'a JSON web token'],
    ['curl -H "Authorization: Bearer 3f9c2a7b1e8d4c6a9b0e5f2d7c1a8b3e"', 'a bearer token'],
    ['postgres://shop:s3cr3t-pw@db:5432/shop', 'a password in a URL'],
    ['https://api.example.com/v1?user=bot&password=hunter22', 'a credential in a URL query'],
    ['DB_PASSWORD: "correct-horse"', 'a password or secret assignment'],
];

describe('findSecrets', () => {
  it.each(EXAMPLES)('finds %s as %s', (text, what) => {
    expect(findSecrets(text).map((f) => f.what)).toContain(what);
  });

  it('redacts: passwords entirely, long machine tokens but for their 4-character type prefix', () => {
    expect(findSecrets('postgres://shop:s3cr3t-pw@db:5432/shop')).toEqual([
      { what: 'a password in a URL', line: 1, redacted: 'postgres://shop:…(redacted, 9 characters)' },
    ]);
    expect(findSecrets('line one\nuse AKIAIOSFODNN7EXAMPLE here')).toEqual([
      { what: 'an AWS access key id', line: 2, redacted: 'AKIA…(redacted, 20 characters)' },
    ]);
  });

  it.each([
    'curl -H "Authorization: Bearer <token>" https://api.example.com',
    'password: ${DB_PASSWORD}',
    'https://user:$PASSWORD@example.com',
    'the tokenizer uses a password_hash of the token',
    'description: "{{ $value | humanizePercentage }} of requests"',
    'kubectl create secret generic shop --from-literal=password=xxxxxxxx',
  ])('leaves placeholders and ordinary words alone: %s', (text) => {
    expect(findSecrets(text)).toEqual([]);
  });
});

describe('secretIssues', () => {
  it('finds nothing in what synth renders for the good fixture', () => {
    expect(secretIssues(shop)).toEqual([]);
  });

  it('names the file, the line and the kind, with the value redacted', () => {
    const files = new Map(shop.files);
    files.set('RUNBOOK.md', `${files.get('RUNBOOK.md')}\nRun: curl -H "Authorization: Bearer 3f9c2a7b1e8d4c6a9b0e5f2d7c1a8b3e"\n`);
    const line = files.get('RUNBOOK.md')!.split('\n').length - 1;
    expect(secretIssues({ ...shop, files })).toEqual([{
      service: 'shop-api', field: 'RUNBOOK.md', value: 'Bearer 3f9c…(redacted, 32 characters)',
      allowed: `no secrets in generated files (a bearer token on line ${line}): they are committed and applied by CI; reference a Kubernetes Secret or an environment variable instead`,
    }]);
  });
});

describe('secretIssues over every file synth renders', () => {
  it('has every kind of file to look in', () => {
    expect([...harvey.files.keys()].map((path) => path.replace(/^.*\./, '')).sort()).toEqual(expect.arrayContaining(['json', 'md', 'yaml']));
    expect([...harvey.files.keys()]).toEqual(expect.arrayContaining(['RUNBOOK.md', 'prometheus-rules.yaml', 'prometheus-rules.test.yaml']));
  });

  it.each([...harvey.files.keys()])('finds every kind of secret put at the start, in the middle or at the end of %s', (path) => {
    const lines = harvey.files.get(path)!.split('\n');
    for (const at of [0, Math.floor(lines.length / 2), lines.length]) {
      for (const [text, what] of EXAMPLES) {
        const files = new Map([[path, [...lines.slice(0, at), text, ...lines.slice(at)].join('\n')]]);
        const found = secretIssues({ ...harvey, files }).map((issue) => `${issue.field}: ${/\((.*? on line \d+)\)/.exec(issue.allowed)?.[1]}`);
        expect(found).toContain(`${path}: ${what} on line ${at + 1}`);
      }
    }
  });
});

describe('patternMatches', () => {
  /** Texts built from the pieces the slow patterns look for (keywords, URL parts, quotes, separators), from a fixed seed. */
  const pieces = ['password', 'PassWord', 'PASSWD', 'client_secret', 'secret_key', 'api_key', 'APIKEY', 'auth_token', 'access_token', 'token', 'pwd',
    'db', 'my', '_', 'x', '9', '.', '-', '+', ':', '://', '/', '@', '=', ' ', '\n', '\t', '"', "'", '`', ',', ';', '$', '{', '<',
    'https', 'postgres', 'x.y+z-', 'user', 'hunter22', 's3cr3t-pw', '?', '&', 'é', 'Bearer ', 'AKIA'];
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const urlPieces = ['http', 's', 'S', '://', 'https://', ':', 'u:', 'pw@', 'u:pw@', '//', 'u', 'pw', '@', 'h', '/', ' ', '.', '-', '+', '9', '"', 'x.', '\n'];
  const next = random(12);
  const textOf = (from: readonly string[]) => Array.from({ length: 1 + Math.floor(next() * 40) }, () => from[Math.floor(next() * from.length)]).join('');
  const generated = [...Array.from({ length: 2000 }, () => textOf(pieces)), ...Array.from({ length: 2000 }, () => textOf(urlPieces))];
  const chosen = [
    '', '://', 'password', 'x.https://u:p@h', 'a://b:c@d a://b:c@d', 'https://a:b@c://d:e@f', '9http://u:pw@h', 'ftp://u:pw@h://x:y@z',
    'password=hunter22 apikey: "s3cr3tvalue" client_secret_key=abcdefgh', 'my_access_token_password: longenough', 'passwordpassword=abcdefgh',
    ...EXAMPLES.map(([text]) => text),
  ];
  const texts = [...chosen, ...generated, ...harvey.files.values(), ...shop.files.values()];
  const summary = (matches: Iterable<RegExpMatchArray>) => [...matches].map((m) => [m.index, m[0], m.groups?.secret]);

  it.each(SECRET_PATTERNS.map((p) => [p.what, p] as const))('finds exactly what matchAll finds, in the same order, for %s', (_, pattern: SecretPattern) => {
    let matches = 0;
    for (const text of texts) {
      const expected = summary(text.matchAll(pattern.pattern));
      expect(summary(patternMatches(text, pattern)), text).toEqual(expected);
      matches += expected.length;
    }
    expect(matches).toBeGreaterThan(0);
  });

  it('runs the slow patterns only where they may match, and has texts where they match many times', () => {
    const anchored = SECRET_PATTERNS.filter((p) => p.anchor).map((p) => p.what);
    expect(anchored).toEqual(['a password in a URL', 'a password or secret assignment']);
    for (const pattern of SECRET_PATTERNS.filter((p) => p.anchor)) {
      expect(generated.filter((text) => [...text.matchAll(pattern.pattern)].length > 1).length).toBeGreaterThan(20);
    }
  });
});
