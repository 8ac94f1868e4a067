import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, reportInternalError } from '../../../lib/cli/errors.js';

describe('reportInternalError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints one line saying it is a bug and where the trace was written, and writes the trace there', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line));
    const error = new TypeError("Cannot read properties of undefined (reading 'name')");
    expect(reportInternalError(error)).toBe(EXIT.internal);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const match = /^oac: internal error \(a bug in observability-as-code, please report it\): Cannot read properties of undefined \(reading 'name'\); the trace is in (.+)$/.exec(lines[0]!);
    expect(match).not.toBeNull();
    const file = match![1]!;
    expect(file.startsWith(tmpdir())).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(`${error.stack}\n`);
    await rm(file);
  });
});
