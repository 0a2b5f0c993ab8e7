/**
 * The HTTP API stage's default throttling, merged into the stage the framework makes (`HttpApiStage`,
 * osls has no setting for it). Without it the stage shares the account's regional quota (10,000 requests
 * per second, burst 5,000: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html),
 * so one flood on this API would throttle every other API of the account. The stage params
 * `httpRateLimit` and `httpBurstLimit` move it; the defaults sit well above the benchmarked load
 * (BENCHMARKS.md: reads at 2,000 requests/s).
 */
export const HTTP_API_STAGE = 'HttpApiStage';

export function httpApiStageResources(): Record<string, unknown> {
  return {
    [HTTP_API_STAGE]: {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: {
        DefaultRouteSettings: {
          ThrottlingRateLimit: '${param:httpRateLimit, 3000}',
          ThrottlingBurstLimit: '${param:httpBurstLimit, 1500}',
        },
      },
    },
  };
}
