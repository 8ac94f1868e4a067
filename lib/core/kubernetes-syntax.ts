/**
 * The syntax Kubernetes and container registries accept, checked on input so that nothing `kubectl apply`
 * or a registry would refuse is ever written. One place for the rules, shared by the model's validation
 * (lib/core/fields.ts) and the constructs' own guards (lib/k8s/labels.ts).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The name part of a label key, and a non-empty label value: 63 characters at most, alphanumeric at both ends. */
const LABEL_NAME = /^(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const DNS_LABEL_ALLOWED = 'a lower-case DNS label: a-z, 0-9 and "-", starting and ending with a letter or digit, at most 63 characters';
export const LABEL_KEY_ALLOWED = "a Kubernetes label key: an optional DNS subdomain prefix and '/' (such as 'app.kubernetes.io/'), " +
  "then 1 to 63 characters from a-z, A-Z, 0-9, '-', '_' and '.', starting and ending with a letter or digit";
export const LABEL_VALUE_ALLOWED = "a Kubernetes label value: at most 63 characters from a-z, A-Z, 0-9, '-', '_' and '.', " +
  'starting and ending with a letter or digit (or empty)';

export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && DNS_SUBDOMAIN.test(value);
}

/** `app`, `app.kubernetes.io/name`; the same syntax serves annotation keys. */
export function isLabelKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const slash = value.lastIndexOf('/');
  if (slash === -1) return LABEL_NAME.test(value);
  return isDnsSubdomain(value.slice(0, slash)) && LABEL_NAME.test(value.slice(slash + 1));
}

export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || LABEL_NAME.test(value));
}

/**
 * Image repositories as the distribution spec names them: an optional registry host (with port), then
 * lower-case path components separated by '/'; registries refuse upper-case paths. At most 255 characters.
 */
const REGISTRY_HOST = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export const IMAGE_REPOSITORY_ALLOWED = "an image repository such as 'ghcr.io/example-org/shop-api': an optional registry host, " +
  "then lower-case path components of a-z, 0-9 and single '.', '_', '__' or '-' separators, joined by '/', at most 255 characters " +
  "(no scheme, credentials, tag or digest: the tag goes in 'tag')";
export const IMAGE_TAG_ALLOWED = "an image tag such as 'v1.4.0': 1 to 128 characters from A-Z, a-z, 0-9, '_', '.' and '-', " +
  "not starting with '.' or '-' (a digest is not supported: the chart writes '<repository>:<tag>')";

/**
 * As Docker reads a reference: the first component is a registry host only when it has a '.' or ':' or is
 * `localhost` (hosts are case-insensitive); every path component is lower-case.
 */
export function isImageRepository(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) return false;
  const parts = value.split('/');
  const hasHost = parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === 'localhost');
  if (hasHost && !REGISTRY_HOST.test(parts.shift()!)) return false;
  return parts.every((part) => PATH_COMPONENT.test(part));
}

export function isImageTag(value: unknown): value is string {
  return typeof value === 'string' && TAG.test(value);
}

/** `https://user:password@host/...`: the password part, so a report never prints it. */
export function redactUrlCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*:)[^/@]*@/i, '$1…(redacted)@');
}
