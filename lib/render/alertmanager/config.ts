import type { PlatformConfig } from '../../core/platform.js';
import { toYaml } from '../yaml.js';
import type { ServiceStack } from '../../core/stack.js';
import { inhibitRulesFor, type InhibitRule } from './inhibit-rules.js';
import {
  NOTIFICATION_KINDS, NOTIFICATION_TIMING, UNROUTED_RECEIVER, receiverName, type NotificationKind,
} from './notification.js';

/** The subset of Alertmanager 0.25's configuration that synth writes (`dist/alertmanager/alertmanager.yaml`). */
export interface AlertmanagerConfig {
  readonly route: Route;
  readonly receivers: readonly Receiver[];
  readonly inhibit_rules: readonly InhibitRule[];
}

export interface Route {
  readonly receiver: string;
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly routes?: readonly Route[];
}

export interface Receiver {
  readonly name: string;
  readonly webhook_configs?: readonly { readonly url: string; readonly send_resolved: boolean }[];
}

/**
 * Placeholder receivers until the platform sets real ones: `.invalid` is a reserved top-level domain
 * (RFC 2606), so nothing is ever delivered to a guessed address.
 */
export const PLACEHOLDER_WEBHOOK_URL = 'https://alert-receiver.invalid/{team}/{kind}';

/**
 * One threshold problem is one notification: an alert's pods and instances are grouped together. SLO
 * alerts group by SLO instead, so the fast and slow tiers of one burn arrive as one notification.
 */
const ALERT_GROUP_BY = ['alertname', 'service'];
const SLO_GROUP_BY = ['service', 'slo'];

/**
 * The platform-wide Alertmanager configuration: a route per team (every team any service declares), in
 * which `notify` (SLO alerts) and then `severity` choose the team's page, ticket or info receiver
 * (notification.ts is the model this tree agrees with), timing per kind, and every service's inhibit rules.
 * Receivers are webhooks at `platform.alertmanager` URLs (placeholders by default): no secret lives here.
 */
export function alertmanagerConfig(stacks: readonly ServiceStack[], platform: PlatformConfig): AlertmanagerConfig {
  return alertmanagerConfigOf(stacks.map(alertmanagerPartOf), platform);
}

/** What the Alertmanager configuration needs of one service: its team and its inhibit rules. */
export interface AlertmanagerPart {
  readonly team: string;
  readonly inhibitRules: readonly InhibitRule[];
}

export function alertmanagerPartOf(stack: ServiceStack): AlertmanagerPart {
  return { team: stack.service.team, inhibitRules: inhibitRulesFor(stack) };
}

/** {@link alertmanagerConfig} from each service's part, in service order (synth keeps only these of each service). */
export function alertmanagerConfigOf(parts: readonly AlertmanagerPart[], platform: PlatformConfig): AlertmanagerConfig {
  const teams = [...new Set(parts.map((s) => s.team))].sort();
  return {
    route: {
      receiver: UNROUTED_RECEIVER,
      group_by: ALERT_GROUP_BY,
      ...NOTIFICATION_TIMING.ticket,
      routes: teams.map(teamRoute),
    },
    receivers: [
      ...teams.flatMap((team) => NOTIFICATION_KINDS.map((kind) => webhookReceiver(platform, team, kind))),
      webhookReceiver(platform, UNROUTED_RECEIVER, 'ticket', UNROUTED_RECEIVER),
    ],
    inhibit_rules: parts.flatMap((p) => p.inhibitRules),
  };
}

/** Inhibit rules stringified together: the YAML library's document of all 50,000 rules of 10,000 services would take hundreds of MB. */
const RULES_PER_CHUNK = 500;

/**
 * `toYaml(config)`, byte for byte, with the inhibit rules stringified a chunk at a time: a block sequence's
 * items do not depend on each other, so the chunks' items, one after another, are the whole sequence.
 */
export function alertmanagerConfigYaml(config: AlertmanagerConfig): string {
  const { inhibit_rules: rules, ...head } = config;
  if (rules.length <= RULES_PER_CHUNK) return toYaml(config);
  const parts = [toYaml(head)];
  for (let at = 0; at < rules.length; at += RULES_PER_CHUNK) {
    const chunk = toYaml({ inhibit_rules: rules.slice(at, at + RULES_PER_CHUNK) });
    parts.push(at === 0 ? chunk : chunk.slice(chunk.indexOf('\n') + 1));
  }
  return parts.join('');
}

function teamRoute(team: string): Route {
  const to = (kind: NotificationKind, matcher: string, groupBy: readonly string[]): Route => ({
    receiver: receiverName(team, kind), matchers: [matcher], group_by: groupBy, ...NOTIFICATION_TIMING[kind],
  });
  return {
    receiver: receiverName(team, 'ticket'),
    matchers: [`team="${team}"`],
    routes: [
      to('page', 'notify="page"', SLO_GROUP_BY),
      to('ticket', 'notify="ticket"', SLO_GROUP_BY),
      to('page', 'severity="critical"', ALERT_GROUP_BY),
      to('info', 'severity="info"', ALERT_GROUP_BY),
    ],
  };
}

function webhookReceiver(platform: PlatformConfig, team: string, kind: NotificationKind, name = receiverName(team, kind)): Receiver {
  const settings = platform.alertmanager;
  const url = settings?.receivers?.[team]?.[kind]
    ?? (settings?.webhookUrl ?? PLACEHOLDER_WEBHOOK_URL).replaceAll('{team}', team).replaceAll('{kind}', kind);
  return { name, webhook_configs: [{ url, send_resolved: true }] };
}
