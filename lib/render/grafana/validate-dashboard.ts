import { formatIssue, type ValidationIssue } from '../../core/issues.js';
import type { DashboardModel } from '../../core/stack.js';
import { DATASOURCE_TYPE, DATASOURCE_UID, DATASOURCE_VARIABLE } from './house-style.js';

/** Grafana refuses dashboard uids longer than 40 characters. */
export const MAX_UID_LENGTH = 40;
const UID_RE = /^[A-Za-z0-9_-]+$/;
export const UID_ALLOWED = `a Grafana dashboard uid: 1 to ${MAX_UID_LENGTH} characters from A-Z, a-z, 0-9, '-' and '_'`;

export function isValidUid(uid: unknown): uid is string {
  return typeof uid === 'string' && uid.length <= MAX_UID_LENGTH && UID_RE.test(uid);
}

const DATASOURCE_ALLOWED = `the datasource variable ${JSON.stringify({ type: DATASOURCE_TYPE, uid: DATASOURCE_UID })}`;

/**
 * Every problem of a built dashboard, one line each, in the project's issue format
 * (`dashboard '<uid>': <field>: <value> is invalid; allowed: ...`). Synth runs this before writing;
 * an empty list means the dashboard is portable (datasource variable only, no exported inputs),
 * addressable (valid uid, title) and stable (unique, explicit panel ids).
 */
export function dashboardProblems(model: DashboardModel): string[] {
  return dashboardIssues(model).map(formatIssue);
}

/** The same checks as `dashboardProblems`, as structured issues. */
export function dashboardIssues(model: DashboardModel): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const service = `dashboard ${JSON.stringify(model.uid)}`;
  const report = (field: string, value: unknown, allowed: string): void => {
    issues.push({ service, field, value, allowed });
  };
  const json = model.json;

  // The JSON must carry the model's uid and title; a mismatch is reported once the model's own value is valid.
  if (!isValidUid(model.uid)) report('uid', model.uid, UID_ALLOWED);
  else if (json['uid'] !== model.uid) report('json.uid', json['uid'], `the model's uid ${JSON.stringify(model.uid)}`);
  if (typeof model.title !== 'string' || model.title.trim() === '') report('title', model.title, 'a non-empty title');
  else if (json['title'] !== model.title) report('json.title', json['title'], `the model's title ${JSON.stringify(model.title)}`);
  if (typeof json['schemaVersion'] !== 'number') report('json.schemaVersion', json['schemaVersion'], "a number (the SDK's schema version)");
  if ('__inputs' in json) report('json.__inputs', json['__inputs'], `no exported inputs: reference the datasource through the variable ${DATASOURCE_UID}`);

  checkTemplating(json, report);
  checkPanels(json, report);
  findExportedInputs(json, 'json', report);
  return issues;
}

type Report = (field: string, value: unknown, allowed: string) => void;

function checkTemplating(json: Readonly<Record<string, unknown>>, report: Report): void {
  const templating = json['templating'];
  const list = isRecord(templating) && Array.isArray(templating['list']) ? templating['list'] : [];
  const index = list.findIndex((v) => isRecord(v) && v['name'] === DATASOURCE_VARIABLE);
  const variable: unknown = list[index];
  if (!isRecord(variable)) {
    report('json.templating.list', list.map((v) => (isRecord(v) ? v['name'] : v)),
      `a list holding the variable '${DATASOURCE_VARIABLE}' of type 'datasource' over '${DATASOURCE_TYPE}'`);
  } else if (variable['type'] !== 'datasource' || variable['query'] !== DATASOURCE_TYPE) {
    report(`json.templating.list[${index}]`, { name: variable['name'], type: variable['type'], query: variable['query'] },
      `a variable of type 'datasource' whose query is '${DATASOURCE_TYPE}'`);
  }
  list.forEach((v, i) => {
    if (isRecord(v) && v['datasource'] !== undefined && !isDatasourceVariable(v['datasource'])) {
      report(`json.templating.list[${i}].datasource`, v['datasource'], DATASOURCE_ALLOWED);
    }
  });
}

function checkPanels(json: Readonly<Record<string, unknown>>, report: Report): void {
  const seen = new Map<number, string>();
  const visit = (panels: unknown, path: string): void => {
    if (!Array.isArray(panels)) return;
    panels.forEach((panel, i) => {
      const at = `${path}[${i}]`;
      if (!isRecord(panel)) {
        report(at, panel, 'a panel object');
        return;
      }
      const id = panel['id'];
      if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
        report(`${at}.id`, id, 'a positive integer panel id, set explicitly so the JSON is stable');
      } else if (seen.has(id)) {
        report(`${at}.id`, id, `a panel id unique in the dashboard (${seen.get(id)} has it already)`);
      } else {
        seen.set(id, at);
      }
      const targets = Array.isArray(panel['targets']) ? panel['targets'] : [];
      const needsDatasource = panel['type'] !== 'row' && targets.length > 0;
      if ((needsDatasource || panel['datasource'] !== undefined) && !isDatasourceVariable(panel['datasource'])) {
        report(`${at}.datasource`, panel['datasource'], DATASOURCE_ALLOWED);
      }
      targets.forEach((target, t) => {
        const ds = isRecord(target) ? target['datasource'] : undefined;
        if (!isDatasourceVariable(ds)) report(`${at}.targets[${t}].datasource`, ds, DATASOURCE_ALLOWED);
      });
      visit(panel['panels'], `${at}.panels`);
    });
  };
  visit(json['panels'], 'json.panels');
}

/** `${DS_PROMETHEUS}` and friends come from Grafana's "export for sharing externally"; they break provisioning. */
function findExportedInputs(value: unknown, path: string, report: Report): void {
  if (typeof value === 'string') {
    if (value.includes('${DS_')) report(path, value, `no exported datasource inputs (\${DS_...}): reference the variable ${DATASOURCE_UID}`);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findExportedInputs(v, `${path}[${i}]`, report));
  } else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) findExportedInputs(v, `${path}.${key}`, report);
  }
}

function isDatasourceVariable(value: unknown): boolean {
  return isRecord(value) && value['type'] === DATASOURCE_TYPE && value['uid'] === DATASOURCE_UID;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
