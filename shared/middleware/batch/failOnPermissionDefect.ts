import type { MiddlewareObj } from '@middy/core';
import type { BatchContext } from './RecordBatch';

/**
 * Fails the invocation when a write of the batch was refused for lack of permission (batch.permissionDefect),
 * after the dead letters of the batch's bad records are out: used before the dead-letter middleware,
 * so its `after` runs after theirs. A refused write is a defect in the access rules, not a bad record:
 * the record is not dead-lettered, the batch fails and its source delivers it again (Kafka keeps the
 * offset; RabbitMQ redelivers, then parks it past the delivery limit), and once the rules are fixed
 * the retry applies the refused record and what followed it, once (applyOnceScript.ts).
 */
export function failOnPermissionDefect<TSource>(): MiddlewareObj<unknown, unknown, Error, BatchContext<TSource>> {
  const failOnPermissionDefectAfter = (request: { context: BatchContext<TSource> }) => {
    const defect = request.context.batch.permissionDefect;
    if (defect !== undefined) throw defect;
  };
  return { after: failOnPermissionDefectAfter };
}
