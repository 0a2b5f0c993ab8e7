import { functionKey } from '../../shared/routes/manifest';

/** `get-order` -> `GetOrder`: the stem of every CloudFormation logical id made for a function. */
export const pascalNameOf = (name: string): string => {
  const key = functionKey(name);
  return `${key.charAt(0).toUpperCase()}${key.slice(1)}`;
};

/** The CloudFormation logical id the framework gives a function: `get-order` -> `GetOrderLambdaFunction`. */
export const logicalIdOf = (name: string): string => `${pascalNameOf(name)}LambdaFunction`;
