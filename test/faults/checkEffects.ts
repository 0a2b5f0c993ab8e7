import { getJson, isRecord, mapLimited } from './httpJson';
import type { LoadOutcome } from '../../testkit/load/postBatches';
import type { EventLoadPlan } from '../../testkit/load/eventLoadPlan';
import { waitForProgress, type ProgressWait } from '../../testkit/waitUntil';

export interface EffectsCheck {
  ok: boolean;
  /** Accepted events whose effect is missing (scores and page views counted per event, sessions per start or end). */
  lost: number;
  /** Events applied more than once. */
  doubled: number;
  /** What did not match, for the report (first few). */
  problems: string[];
  /** How long the projections took to reach the expected sums after the load ended. */
  convergedMs: number | undefined;
  /** The wait ended because nothing changed any more (stuck), not because time ran out. */
  stalled: boolean;
}

interface Reading {
  boardPoints: Map<string, number>;
  views: Map<string, number>;
  liveSessions: Set<string>;
  unreadable: number;
}

/**
 * (b) Every accepted event applied exactly once, read through the public API as a client would:
 * per user, the board total must be points x accepted scores and the page views the accepted views;
 * sessions started must be live unless their end was accepted. Events given up by the client (never
 * answered 202) may or may not be in, so they widen the expected range instead of counting.
 * Waits for the projections to catch up (bounded, and cut short when they stop moving), then judges
 * the last reading.
 */
export async function checkEffects(url: string, plan: EventLoadPlan, load: LoadOutcome, wait: ProgressWait): Promise<EffectsCheck> {
  const expected = expectedSums(plan, load);
  let last: Reading | undefined;
  const waited = await waitForProgress(async () => {
    last = await read(url, plan);
    const { lost, doubled } = judge(plan, expected, last);
    return { done: lost + doubled === 0 && last.unreadable === 0, progress: progressOf(last) };
  }, wait);
  const reading = last ?? (await read(url, plan));
  const verdict = judge(plan, expected, reading);
  if (reading.unreadable > 0) verdict.problems.unshift(`${reading.unreadable} reads failed (not 200/404)`);
  return { ok: verdict.lost === 0 && verdict.doubled === 0 && reading.unreadable === 0, ...verdict, convergedMs: waited.done ? waited.ms : undefined, stalled: waited.stalled };
}

const progressOf = (reading: Reading): string =>
  JSON.stringify([[...reading.boardPoints.values()].reduce((a, b) => a + b, 0), [...reading.views.values()].reduce((a, b) => a + b, 0), reading.liveSessions.size, reading.unreadable]);

interface Expected {
  /** Per user: accepted score events (min) and accepted + given-up (max). */
  scores: Map<string, { min: number; max: number }>;
  views: Map<string, { min: number; max: number }>;
  /** Per session: must it be live (true), gone (false), or either (undefined: its start or end was given up)? */
  sessions: Map<string, boolean | undefined>;
}

function expectedSums(plan: EventLoadPlan, load: LoadOutcome): Expected {
  const bump = (map: Map<string, { min: number; max: number }>, key: string, id: string) => {
    const entry = map.get(key) ?? { min: 0, max: 0 };
    if (load.accepted.has(id)) entry.min++;
    if (load.accepted.has(id) || load.givenUp.has(id)) entry.max++;
    map.set(key, entry);
  };
  const scores = new Map<string, { min: number; max: number }>();
  const views = new Map<string, { min: number; max: number }>();
  for (const user of plan.users) {
    scores.set(user.userId, { min: 0, max: 0 });
    views.set(user.userId, { min: 0, max: 0 });
  }
  for (const [id, user] of plan.scores) bump(scores, user.userId, id);
  for (const [id, userId] of plan.views) bump(views, userId, id);
  const sessions = new Map<string, boolean | undefined>();
  for (const session of plan.sessions) {
    const started = load.accepted.has(session.startEventId);
    const ended = session.endEventId !== undefined && load.accepted.has(session.endEventId);
    const unsure = load.givenUp.has(session.startEventId) || (session.endEventId !== undefined && load.givenUp.has(session.endEventId));
    sessions.set(session.sessionId, unsure ? undefined : started && !ended);
  }
  return { scores, views, sessions };
}

async function read(url: string, plan: EventLoadPlan): Promise<Reading> {
  let unreadable = 0;
  const boardPoints = new Map<string, number>();
  const board = await getJson(`${url}/leaderboards/${plan.board}?limit=100`);
  if (board.status === 200 && isRecord(board.body) && Array.isArray(board.body.entries)) {
    for (const entry of board.body.entries as unknown[]) {
      if (isRecord(entry) && typeof entry.userId === 'string' && typeof entry.points === 'number') boardPoints.set(entry.userId, entry.points);
    }
  } else unreadable++;
  const views = new Map<string, number>();
  await mapLimited(plan.users, 10, async (user) => {
    const answer = await getJson(`${url}/users/${user.userId}/activity`);
    if (answer.status === 200 && isRecord(answer.body) && typeof answer.body.pageViews === 'number') views.set(user.userId, answer.body.pageViews);
    else if (answer.status === 404) views.set(user.userId, 0);
    else unreadable++;
  });
  const liveSessions = new Set<string>();
  await mapLimited(plan.sessions, 20, async (session) => {
    const answer = await getJson(`${url}/sessions/${session.sessionId}`);
    if (answer.status === 200) liveSessions.add(session.sessionId);
    else if (answer.status !== 404) unreadable++;
  });
  return { boardPoints, views, liveSessions, unreadable };
}

function judge(plan: EventLoadPlan, expected: Expected, reading: Reading): { lost: number; doubled: number; problems: string[] } {
  let lost = 0;
  let doubled = 0;
  const problems: string[] = [];
  const compare = (what: string, actual: number, range: { min: number; max: number }) => {
    if (actual < range.min) {
      lost += range.min - actual;
      problems.push(`${what}: ${actual} events applied, expected ${range.min}`);
    } else if (actual > range.max) {
      doubled += actual - range.max;
      problems.push(`${what}: ${actual} events applied, expected ${range.max}`);
    }
  };
  for (const user of plan.users) {
    const points = reading.boardPoints.get(user.userId) ?? 0;
    // Points per user are fixed, so the total divided by them is the number of score events applied.
    compare(`scores of ${user.userId}`, Math.round(points / user.points), expected.scores.get(user.userId) ?? { min: 0, max: 0 });
    if (points % user.points !== 0) problems.push(`scores of ${user.userId}: ${points} is not a multiple of ${user.points}`);
    compare(`page views of ${user.userId}`, reading.views.get(user.userId) ?? 0, expected.views.get(user.userId) ?? { min: 0, max: 0 });
  }
  for (const session of plan.sessions) {
    const want = expected.sessions.get(session.sessionId);
    const live = reading.liveSessions.has(session.sessionId);
    if (want === undefined || want === live) continue;
    lost++;
    problems.push(`session ${session.sessionId}: ${live ? 'live but its end was accepted' : 'missing but its start was accepted'}`);
  }
  return { lost, doubled, problems: problems.slice(0, 12) };
}
