/**
 * Severities as the service contract defines them: the Prometheus `severity` label drives routing
 * (critical pages, warning opens a ticket, info is informational); the runbook's own level
 * (SEV-1..SEV-4 or P1..P4) is kept as the `sev` label so responders see the words they know.
 */
export type Severity = 'critical' | 'warning' | 'info';
export type RunbookLevel = 'SEV-1' | 'SEV-2' | 'SEV-3' | 'SEV-4' | 'P1' | 'P2' | 'P3' | 'P4';

export interface AlertLevel {
  readonly severity: Severity;
  readonly sev: RunbookLevel;
}

/** SEV-2/P2 is critical or warning "as stated", so those take the severity explicitly. */
export const SEV1: AlertLevel = { severity: 'critical', sev: 'SEV-1' };
export const SEV2_CRITICAL: AlertLevel = { severity: 'critical', sev: 'SEV-2' };
export const SEV2_WARNING: AlertLevel = { severity: 'warning', sev: 'SEV-2' };
export const SEV3: AlertLevel = { severity: 'warning', sev: 'SEV-3' };
export const SEV4: AlertLevel = { severity: 'info', sev: 'SEV-4' };
export const P1: AlertLevel = { severity: 'critical', sev: 'P1' };
export const P2_CRITICAL: AlertLevel = { severity: 'critical', sev: 'P2' };
export const P2_WARNING: AlertLevel = { severity: 'warning', sev: 'P2' };
export const P3: AlertLevel = { severity: 'warning', sev: 'P3' };
export const P4: AlertLevel = { severity: 'info', sev: 'P4' };

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
export const RUNBOOK_LEVELS: readonly RunbookLevel[] = ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4', 'P1', 'P2', 'P3', 'P4'];

/**
 * The severities each runbook level may route with: level 1 pages, level 2 pages or opens
 * a ticket "as stated", level 3 opens a ticket, level 4 is informational. A `SEV-1` sent as `info` would
 * never page, so such a pair is refused.
 */
export const LEVEL_SEVERITIES: Readonly<Record<RunbookLevel, readonly Severity[]>> = {
  'SEV-1': ['critical'], 'SEV-2': ['critical', 'warning'], 'SEV-3': ['warning'], 'SEV-4': ['info'],
  P1: ['critical'], P2: ['critical', 'warning'], P3: ['warning'], P4: ['info'],
};

/**
 * The words a service's runbook uses for its levels: `SEV` (SEV-1..SEV-4) or `P` (P1..P4). One per service:
 * routing and silences match on `sev`, and responders read one scale, so a service whose alerts say P2
 * while its burn-rate alerts say SEV-2 is refused (lib/core/stack-validation.ts).
 */
export type SevVocabulary = 'SEV' | 'P';
export const SEV_VOCABULARIES: readonly SevVocabulary[] = ['SEV', 'P'];

/** A level as a number, 1 (most urgent) to 4 (informational), whatever the vocabulary. */
export type LevelNumber = 1 | 2 | 3 | 4;

/** `SEV-2` → 'SEV', `P2` → 'P'. */
export function vocabularyOf(level: RunbookLevel): SevVocabulary {
  return level.startsWith('SEV-') ? 'SEV' : 'P';
}

/** `SEV-2` and `P2` → 2. */
export function levelNumber(level: RunbookLevel): LevelNumber {
  return Number(level.slice(-1)) as LevelNumber;
}

/** Level 2 in the service's words: `SEV-2` or `P2`. */
export function runbookLevel(vocabulary: SevVocabulary, level: LevelNumber): RunbookLevel {
  return (vocabulary === 'SEV' ? `SEV-${level}` : `P${level}`) as RunbookLevel;
}

/** The levels of a vocabulary, for error messages: `P1, P2, P3, P4`. */
export function levelsOf(vocabulary: SevVocabulary): RunbookLevel[] {
  return ([1, 2, 3, 4] as const).map((n) => runbookLevel(vocabulary, n));
}
