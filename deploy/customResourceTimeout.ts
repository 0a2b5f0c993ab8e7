import { RESPONSE_TIMEOUT_MS } from '../functions/declare-workflow-topology/customResourceResponse';

/**
 * The custom resource's `ServiceTimeout`: how long CloudFormation waits for the hook's answer before it
 * fails the deploy, 1 to 3600 s, 3600 when unset
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-customresource.html).
 * The hook's whole run fits in it: its Lambda timeout plus two answers (SUCCESS, then FAILED if that PUT
 * throws), so a hook that cannot answer fails the deploy in minutes, not after an hour.
 */
export function customResourceServiceTimeout(hookTimeoutSeconds: number): number {
  const seconds = hookTimeoutSeconds + Math.ceil((2 * RESPONSE_TIMEOUT_MS) / 1000) + 30;
  if (seconds > 3600) throw new Error(`the deploy hook's timeout (${hookTimeoutSeconds} s) leaves no ServiceTimeout under CloudFormation's 3600 s`);
  return seconds;
}
