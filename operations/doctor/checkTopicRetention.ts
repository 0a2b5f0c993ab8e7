import { fail, listSome, pass, type CheckResult } from './checkResult';

export const TOPIC_RETENTION_CHECK = 'topic retention (kafka)';

export interface TopicRetention {
  name: string;
  /** The topic's `retention.ms` and `retention.bytes` as the broker reports them (-1: no limit). */
  retentionMs: number;
  retentionBytes: number;
}

const forever = (value: number) => value < 0;
const showMs = (ms: number) => (forever(ms) ? 'for ever' : `${Math.round((ms / 3_600_000) * 10) / 10} h`);

/**
 * The retention each manifest topic declares (shared/routes/topics.ts) is what the cluster keeps:
 * replays rebuild projections from offset 0, and `npm run schemas -- check` lets an event version be
 * retired only after the declared retention ran out. A topic that drops records sooner (by time or by
 * size) loses what replays need; one that keeps them longer may still hold a retired version.
 */
export function checkTopicRetention(observed: readonly TopicRetention[], declared: Readonly<Record<string, number>>): CheckResult {
  const problems = Object.entries(declared).flatMap(([name, declaredMs]) => {
    const topic = observed.find((t) => t.name === name);
    if (topic === undefined) return [];
    const found: string[] = [];
    if (forever(declaredMs) !== forever(topic.retentionMs) || (!forever(declaredMs) && declaredMs !== topic.retentionMs)) {
      found.push(`${name} keeps records ${showMs(topic.retentionMs)}, the manifest says ${showMs(declaredMs)}`);
    }
    if (forever(declaredMs) && !forever(topic.retentionBytes)) found.push(`${name} drops records past ${topic.retentionBytes} bytes per partition`);
    return found;
  });
  if (problems.length === 0) return pass(TOPIC_RETENTION_CHECK, `${observed.filter((t) => t.name in declared).length} manifest topics keep records as shared/routes/topics.ts declares`);
  return fail(
    TOPIC_RETENTION_CHECK,
    listSome(problems),
    "set the topic's retention.ms (and retention.bytes -1) to the manifest's (kafka-configs.sh --alter --entity-type topics --add-config), or change retentionMs in shared/routes/topics.ts and run npm run schemas -- check",
  );
}
