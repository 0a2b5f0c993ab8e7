/**
 * Messages triplane's own code published to and took from each RabbitMQ queue, counted in this
 * process; the ops view turns them into rates (RabbitMQ's own rates need its management plugin).
 */
const published = new Map<string, number>();
const delivered = new Map<string, number>();

const add = (map: Map<string, number>, queue: string, count: number) => map.set(queue, (map.get(queue) ?? 0) + count);

export const countPublished = (queue: string, count = 1): void => void add(published, queue, count);
export const countDelivered = (queue: string, count = 1): void => void add(delivered, queue, count);

export const queueTraffic = (): { published: Record<string, number>; delivered: Record<string, number> } => ({
  published: Object.fromEntries(published),
  delivered: Object.fromEntries(delivered),
});
