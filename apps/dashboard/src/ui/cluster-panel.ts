import type { ClusterAnswer, InstanceStatsAnswer } from '../api/api-types';
import { formatRate } from '../model/decimal-format';
import { el } from './dom';

/** Which instance streams which symbols and how each is doing, from `GET /api/cluster`. */
export function renderCluster(container: HTMLElement, cluster: ClusterAnswer): void {
  const rows = cluster.instances.map((instance) => {
    const stats = instance.stats;
    return el(
      'tr',
      {},
      el('th', { scope: 'row' }, instance.instanceId, instance.self ? el('span', { class: 'badge' }, 'this page') : null),
      el('td', { class: stats && healthProblems(stats).length === 0 ? 'ok' : 'warn' }, stats ? health(stats) : 'no report'),
      el('td', { class: 'num' }, stats ? formatRate(stats.tradesPerSecond) : '—'),
      el('td', { class: 'num' }, stats ? stats.pendingTrades.toLocaleString('en-US') : '—'),
      el(
        'td',
        {},
        instance.symbols.length === 0
          ? 'none'
          : el('ul', { class: 'chips' }, ...instance.symbols.map(({ symbol, live }) => el('li', { class: live ? 'chip live' : 'chip down' }, symbol, live ? null : ' (not live)'))),
      ),
    );
  });
  const unassigned = cluster.unassigned.length > 0 ? [el('p', { class: 'warn' }, `Not streamed by any instance right now: ${cluster.unassigned.join(', ')}`)] : [];
  container.replaceChildren(
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'cluster-table' },
        el('caption', { class: 'visually-hidden' }, 'Instances of the service'),
        el(
          'thead',
          {},
          el('tr', {}, el('th', { scope: 'col' }, 'Instance'), el('th', { scope: 'col' }, 'Health'), el('th', { scope: 'col', class: 'num' }, 'Trades/s'), el('th', { scope: 'col', class: 'num' }, 'Backlog'), el('th', { scope: 'col' }, 'Streams')),
        ),
        el('tbody', {}, ...rows),
      ),
    ),
    ...unassigned,
  );
}

function healthProblems(stats: InstanceStatsAnswer): string[] {
  const problems: string[] = [];
  if (!stats.live) problems.push('a loop is hung');
  if (!stats.historyWritesHealthy) problems.push('history writes failing');
  if (!stats.latestPriceWritesHealthy) problems.push('price writes failing');
  if (stats.liveSymbols < stats.symbols) problems.push(`${stats.symbols - stats.liveSymbols} of ${stats.symbols} streams not live`);
  return problems;
}

function health(stats: InstanceStatsAnswer): string {
  const problems = healthProblems(stats);
  return problems.length === 0 ? `healthy, ${stats.liveSymbols}/${stats.symbols} streams live` : problems.join('; ');
}
