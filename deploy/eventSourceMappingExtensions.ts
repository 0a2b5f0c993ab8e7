import { pascalNameOf } from '../shared/routes/derivedNames';
import type { FunctionRoute } from '../shared/routes/functionCatalog';
import { mskFailureDestinationOf } from './renderMskFailureDestinations';

/** An addition to a resource the framework compiled: serverless.yml `resources.extensions` (osls merge-custom-provider-resources.js). */
export interface ResourceExtension {
  DependsOn?: string[];
  Properties?: Record<string, unknown>;
}

const alphaNumeric = (name: string): string => {
  const kept = name.replace(/[^0-9A-Za-z]/g, '');
  return `${kept.charAt(0).toUpperCase()}${kept.slice(1)}`;
};

/** What osls names a cluster in a mapping's logical id (events/msk/get-msk-cluster-name-token.js): the NAME of arn:...:cluster/NAME/UUID, or the Ref or import. */
function clusterToken(clusterArn: unknown): string {
  if (typeof clusterArn === 'string') {
    const name = clusterArn.split('/')[1];
    if (name === undefined) throw new Error(`msk event arn ${clusterArn} is not a resolved cluster ARN (arn:...:cluster/NAME/UUID)`);
    return name;
  }
  const arn = clusterArn as { Ref?: unknown; 'Fn::ImportValue'?: unknown } | null;
  const token = arn?.['Fn::ImportValue'] ?? arn?.Ref;
  if (typeof token !== 'string') throw new Error(`msk event arn ${JSON.stringify(clusterArn)} is neither an ARN, a Ref nor an Fn::ImportValue`);
  return token;
}

/** osls's logical id of an MSK mapping (lib/plugins/aws/lib/naming.js getMSKEventLogicalId). */
export const mskMappingIdOf = (fn: Pick<FunctionRoute, 'name'>, clusterArn: unknown, topic: string): string =>
  `${pascalNameOf(fn.name)}EventSourceMappingMSK${alphaNumeric(clusterToken(clusterArn)).slice(0, 79)}${alphaNumeric(topic).slice(0, 79)}`;

/** osls's logical id of a RabbitMQ mapping (naming.js getRabbitMQEventLogicalId). */
export const rabbitMqMappingIdOf = (fn: Pick<FunctionRoute, 'name'>, queue: string): string => `${pascalNameOf(fn.name)}EventSourceMappingRabbitMQ${alphaNumeric(queue).slice(0, 150)}`;

/**
 * What the compiled event source mappings lack, added through `resources.extensions`, which fails the
 * package if the named resource does not exist, so a logical id that drifts from osls's cannot pass
 * silently:
 * - `maximumBatchingWindow: 0` reaches the template: osls sets MaximumBatchingWindowInSeconds only when
 *   the value is truthy (events/msk/index.js, events/rabbitmq.js), and without it Lambda waits 500 ms to
 *   fill a batch from MSK or Amazon MQ (CreateEventSourceMapping, MaximumBatchingWindowInSeconds:
 *   https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html). The local runtime
 *   reads the same serverless.yml value, so local and deployed freshness agree.
 * - an MSK mapping sends a batch it gives up on to the stack's failed-batches bucket (renderMskFailureDestinations).
 * - a RabbitMQ mapping waits for the workflow topology: the custom resource declares its queue and
 *   creates the user its secret names, and a mapping created before them would poll a queue that does
 *   not exist with a user the broker refuses.
 */
export function eventSourceMappingExtensions(functions: readonly FunctionRoute[], topologyId: string): Record<string, ResourceExtension> {
  const extensions: Record<string, ResourceExtension> = {};
  const zeroWindow = { Properties: { MaximumBatchingWindowInSeconds: 0 } };
  for (const fn of functions) {
    if (fn.trigger.kind === 'msk') {
      const destination = mskFailureDestinationOf(fn);
      for (const s of fn.trigger.subscriptions) {
        extensions[mskMappingIdOf(fn, s.clusterArn, s.topic)] = {
          DependsOn: destination.DependsOn,
          Properties: { ...destination.Properties, ...(s.maximumBatchingWindow === 0 ? zeroWindow.Properties : {}) },
        };
      }
    }
    if (fn.trigger.kind === 'rabbitmq') extensions[rabbitMqMappingIdOf(fn, fn.trigger.queue)] = { DependsOn: [topologyId], ...(fn.trigger.maximumBatchingWindow === 0 ? zeroWindow : {}) };
  }
  return extensions;
}
