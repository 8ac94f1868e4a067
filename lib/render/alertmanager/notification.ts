/**
 * How an alert notifies, decided from the labels every generated rule carries (`team`, `severity`, and
 * `notify` on SLO alerts). This is the routing *model*: the Alertmanager route tree (config.ts) is
 * rendered to agree with it, and the tests ask the real `amtool config routes test` whether it does.
 */
export type NotificationKind = 'page' | 'ticket' | 'info';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = ['page', 'ticket', 'info'];

/**
 * `notify` wins (SLO tiers say explicitly whether they page); otherwise the severity decides: critical
 * pages, warning opens a ticket, info is informational. An unknown severity opens a ticket rather than
 * paging or vanishing.
 */
export function notificationKind(labels: Readonly<Record<string, string>>): NotificationKind {
  if (labels['notify'] === 'page' || labels['notify'] === 'ticket') return labels['notify'];
  switch (labels['severity']) {
    case 'critical':
      return 'page';
    case 'info':
      return 'info';
    default:
      return 'ticket';
  }
}

/** `harvey-page`, `harvey-ticket`, `harvey-info`. Team names are DNS labels, so these are unique. */
export function receiverName(team: string, kind: NotificationKind): string {
  return `${team}-${kind}`;
}

/** Receiver for alerts whose `team` no service declares (rules written by hand, other sources). */
export const UNROUTED_RECEIVER = 'unrouted';

/** The receiver an alert with these labels must reach. */
export function receiverFor(labels: Readonly<Record<string, string>>, teams: ReadonlySet<string>): string {
  const team = labels['team'];
  return team !== undefined && teams.has(team) ? receiverName(team, notificationKind(labels)) : UNROUTED_RECEIVER;
}

/**
 * Grouping and repetition per kind. A page is sent fast and repeated every few hours until it resolves
 * or is silenced; a ticket waits to batch related alerts and repeats daily; info repeats weekly.
 */
export const NOTIFICATION_TIMING: Readonly<Record<NotificationKind, { group_wait: string; group_interval: string; repeat_interval: string }>> = {
  page: { group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
  ticket: { group_wait: '5m', group_interval: '30m', repeat_interval: '24h' },
  info: { group_wait: '5m', group_interval: '1h', repeat_interval: '168h' },
};
