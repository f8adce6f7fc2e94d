// V8's sampling heap profiler over a run: bytes allocated per source location (objects collected
// meanwhile included), for the tests that keep step paths allocation-free.
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes sampled per allocating source location, for allocations made while `run` runs. */
export async function sampleAllocations(run: () => Promise<unknown>): Promise<Map<string, number>> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await run();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
    const bytes = new Map<string, number>();
    const walk = (n: ProfileNode): void => {
      if (n.selfSize > 0) {
        const key = `${n.callFrame.url}:${n.callFrame.lineNumber + 1} ${n.callFrame.functionName}`;
        bytes.set(key, (bytes.get(key) ?? 0) + n.selfSize);
      }
      n.children.forEach(walk);
    };
    walk(profile.head);
    return bytes;
  } finally {
    await session.post('HeapProfiler.disable');
    session.disconnect();
  }
}
