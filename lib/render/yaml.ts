import { stringify } from 'yaml';

/** Every YAML file we write goes through here: no line folding (PromQL stays on one line), stable bytes. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
