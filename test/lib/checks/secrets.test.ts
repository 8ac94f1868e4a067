import { describe, expect, it } from 'vitest';
import { findSecrets, secretIssues } from '../../../lib/checks/secrets.js';
import { rendered } from './fixture.js';

const shop = rendered();

describe('findSecrets', () => {
  it.each([
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
  ])('finds %s as %s', (text, what) => {
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
