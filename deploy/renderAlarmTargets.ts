/**
 * Where alarms go. Every alarm notifies the stack's own SNS topic; two stage params (serverless.yml
 * `params`, empty by default) add a person and an existing topic:
 * - `alarmEmail` subscribes an address to the stack's topic (SNS sends it a confirmation mail first);
 * - `alarmTopicArn` makes every alarm also notify that topic (an on-call tool's, another account's):
 *   SNS cannot subscribe a topic to a topic, so the alarms name it as a second action instead.
 * An empty value adds nothing: a Condition leaves the subscription out, and Fn::If with AWS::NoValue
 * drops the second action.
 */
export const ALARM_TOPIC = 'OpsAlarmTopic';
const EMAIL = 'AlarmEmail';
const TOPIC = 'AlarmTopicArn';
const HAS_EMAIL = 'HasAlarmEmail';
const HAS_TOPIC = 'HasAlarmTopic';

/**
 * The stage params reach the template as CloudFormation parameters (their defaults), not as literals:
 * an empty literal in Endpoint or AlarmActions is an error to cfn-lint (E3033) even where a false
 * Condition keeps it out of the stack.
 */
export const alarmTargetParameters = (): Record<string, unknown> => ({
  [EMAIL]: { Type: 'String', Default: '${param:alarmEmail}', Description: 'An address to subscribe to the alarms topic (serverless.yml param alarmEmail; empty: none)' },
  [TOPIC]: { Type: 'String', Default: '${param:alarmTopicArn}', Description: 'A topic every alarm also notifies (serverless.yml param alarmTopicArn; empty: none)' },
});

const isSet = (parameter: string) => ({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: parameter }, ''] }] });

export const alarmTargetConditions = (): Record<string, unknown> => ({ [HAS_EMAIL]: isSet(EMAIL), [HAS_TOPIC]: isSet(TOPIC) });

export const alarmTargetResources = (): Record<string, unknown> => ({
  [ALARM_TOPIC]: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'triplane ${sls:stage} alarms' } },
  OpsAlarmEmailSubscription: {
    Type: 'AWS::SNS::Subscription',
    Condition: HAS_EMAIL,
    Properties: { TopicArn: { Ref: ALARM_TOPIC }, Protocol: 'email', Endpoint: { Ref: EMAIL } },
  },
});

/** An alarm's AlarmActions and OKActions: the stack's topic, and the stage's own topic when one is given. */
export const alarmActions = (): unknown[] => [{ Ref: ALARM_TOPIC }, { 'Fn::If': [HAS_TOPIC, { Ref: TOPIC }, { Ref: 'AWS::NoValue' }] }];
