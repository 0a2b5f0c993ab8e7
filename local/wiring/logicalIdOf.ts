import { functionKey } from '../../shared/routes/manifest';

/** The CloudFormation logical id the framework gives a function: `get-order` -> `GetOrderLambdaFunction`. */
export const logicalIdOf = (name: string): string => {
  const key = functionKey(name);
  return `${key.charAt(0).toUpperCase()}${key.slice(1)}LambdaFunction`;
};
