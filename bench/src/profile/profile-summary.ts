import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTimeEntry {
  name: string;
  location: string;
  selfMs: number;
  /** Share of busy (non-idle) time. */
  selfPercent: number;
}

export interface ProfileSummary {
  file: string;
  durationMs: number;
  busyMs: number;
  idleMs: number;
  topFunctions: SelfTimeEntry[];
  /** Self time grouped by where the code lives: a package, a lib of ours, node internals, GC… */
  byModule: SelfTimeEntry[];
}

/** Reads a .cpuprofile (V8 format, from --cpu-prof) and ranks functions and modules by self time. */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    // timeDeltas[i] is the gap before sample i; charge it to the sample it leads to, as DevTools does.
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byFunction = new Map<string, { name: string; location: string; us: number }>();
  const byModule = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [nodeId, us] of selfUs) {
    const frame = nodes.get(nodeId)?.callFrame;
    if (!frame) {
      continue;
    }
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName}@${location}`;
    const entry = byFunction.get(key) ?? { name: frame.functionName || '(anonymous)', location, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const module = moduleOf(frame);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (entries: Array<{ name: string; location: string; us: number }>): SelfTimeEntry[] =>
    entries
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ name, location, us }) => ({ name, location, selfMs: us / 1000, selfPercent: (100 * us) / busyUs }));
  return {
    file,
    durationMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    topFunctions: rank([...byFunction.values()]),
    byModule: rank([...byModule].map(([name, us]) => ({ name, location: '', us }))),
  };
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '~/').replace(/^.*\/dist\//, 'dist/');
}

function moduleOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  if (url.startsWith('node:')) {
    return url.split('/').slice(0, 2).join('/');
  }
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    return pkg[1];
  }
  const ours = /\/dist\/((?:libs|apps)\/[^/]+)/.exec(url);
  return ours ? ours[1] : shortUrl(url);
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const lines = [
    `profile ${summary.file}: ${(summary.durationMs / 1000).toFixed(1)} s, busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s`,
    'top self time (share of busy time):',
    ...summary.topFunctions.map(
      (entry) => `  ${entry.selfPercent.toFixed(1).padStart(5)}%  ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}  ${entry.location}`,
    ),
    'by module:',
    ...summary.byModule.slice(0, 15).map((entry) => `  ${entry.selfPercent.toFixed(1).padStart(5)}%  ${entry.name}`),
  ];
  return lines.join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/src/profile/profile-summary.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${formatProfileSummary(summarizeProfile(file, top ? Number(top) : 25))}\n`);
}
