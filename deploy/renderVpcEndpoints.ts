/**
 * The network paths the functions and their event source mappings need out of the VPC, made by the stack
 * unless the stage says its subnets already route to a NAT gateway (`natGateway: 'true'`).
 *
 * Who calls what, and why each endpoint is here:
 * - the functions: Secrets Manager (their users' secrets, the API keys), MSK's API (GetBootstrapBrokers),
 *   S3 (the archive, and the custom resource's answer to its presigned ResponseURL);
 * - the MSK event source mappings (on-demand pollers) in the cluster's subnets: Lambda, to invoke the
 *   function, and STS, to take the function's role for IAM auth
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html, "Configuring AWS
 *   PrivateLink endpoints for an MSK event source"); Secrets Manager only for SASL/SCRAM, unused here;
 * - the Amazon MQ event source mappings in the broker's subnets: Lambda, and Secrets Manager for the
 *   step's basic-auth secret; STS is named for ActiveMQ only
 *   (https://docs.amazonaws.cn/lambda/latest/dg/process-messages-with-lambda.html, "Network configuration").
 * MSK's API has an interface endpoint of its own (https://docs.aws.amazon.com/msk/latest/developerguide/privatelink-vpc-endpoints.html,
 * `com.amazonaws.REGION.kafka`; a newer version of that page names a dual-stack `aws.api.REGION.kafka-api`
 * for new connections: check it in your region). Logs and metrics need nothing: Lambda ships the logs,
 * and the metrics are logs (embedded metric format).
 *
 * Interface endpoints use private DNS (the VPC needs enableDnsSupport and enableDnsHostnames), so the
 * SDK's default hostnames resolve to them and no code changes; a VPC that already has an endpoint with
 * private DNS for one of these services must declare `natGateway: 'true'` or remove it (two cannot
 * both hold the name).
 */

/** The stage params, as CloudFormation parameters so the condition reads them and an update can flip them. */
export const NAT_GATEWAY_PARAMETER = 'NatGateway';
export const VPC_ID_PARAMETER = 'VpcId';
export const ROUTE_TABLE_IDS_PARAMETER = 'RouteTableIds';
export const CREATE_VPC_ENDPOINTS = 'CreateVpcEndpoints';
export const ENDPOINT_SECURITY_GROUP = 'VpcEndpointSecurityGroup';

/** Interface endpoints: logical id -> service (com.amazonaws.REGION.<service>). */
export const INTERFACE_ENDPOINTS: Readonly<Record<string, string>> = {
  SecretsManagerVpcEndpoint: 'secretsmanager',
  KafkaApiVpcEndpoint: 'kafka',
  StsVpcEndpoint: 'sts',
  LambdaVpcEndpoint: 'lambda',
};
export const S3_GATEWAY_ENDPOINT = 'S3GatewayVpcEndpoint';

const serviceName = (service: string) => ({ 'Fn::Sub': `com.amazonaws.\${AWS::Region}.${service}` });

export function vpcEndpointParameters(): Record<string, unknown> {
  return {
    [NAT_GATEWAY_PARAMETER]: {
      Type: 'String',
      AllowedValues: ['true', 'false'],
      Default: "${param:natGateway, 'false'}",
      Description: "'true' when the functions' subnets route to a NAT gateway: the stack then makes no VPC endpoint",
    },
    [VPC_ID_PARAMETER]: {
      Type: 'String',
      Default: "${param:vpcId, ''}",
      Description: 'The VPC of subnetIdA and subnetIdB, where the endpoints go (unused with a NAT)',
    },
    [ROUTE_TABLE_IDS_PARAMETER]: {
      Type: 'CommaDelimitedList',
      Default: "${param:routeTableIds, ''}",
      Description: "The route tables of the functions' subnets (and the cluster's and broker's), comma-separated, for the S3 gateway endpoint (unused with a NAT)",
    },
  };
}

export function vpcEndpointConditions(): Record<string, unknown> {
  return { [CREATE_VPC_ENDPOINTS]: { 'Fn::Equals': [{ Ref: NAT_GATEWAY_PARAMETER }, 'false'] } };
}

export function vpcEndpointResources(): Record<string, unknown> {
  const vpcId = { Ref: VPC_ID_PARAMETER };
  return {
    [ENDPOINT_SECURITY_GROUP]: {
      Type: 'AWS::EC2::SecurityGroup',
      Condition: CREATE_VPC_ENDPOINTS,
      Properties: {
        GroupDescription: 'triplane interface VPC endpoints: HTTPS from the functions and event source mappings',
        VpcId: vpcId,
        // The mappings' pollers sit in the cluster's and broker's subnets with their security groups: they
        // reach the endpoints when those groups are securityGroupId too (README, Deploying: Network).
        SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: '${param:securityGroupId}', Description: 'HTTPS from the functions' }],
        // An endpoint only answers; this rule replaces the default allow-all egress with nothing reachable.
        SecurityGroupEgress: [{ IpProtocol: '-1', CidrIp: '127.0.0.1/32', Description: 'no egress: endpoints only answer' }],
      },
    },
    ...Object.fromEntries(
      Object.entries(INTERFACE_ENDPOINTS).map(([logicalId, service]) => [
        logicalId,
        {
          Type: 'AWS::EC2::VPCEndpoint',
          Condition: CREATE_VPC_ENDPOINTS,
          Properties: {
            VpcEndpointType: 'Interface',
            ServiceName: serviceName(service),
            VpcId: vpcId,
            SubnetIds: ['${param:subnetIdA}', '${param:subnetIdB}'],
            SecurityGroupIds: [{ Ref: ENDPOINT_SECURITY_GROUP }],
            PrivateDnsEnabled: true,
          },
        },
      ]),
    ),
    // A gateway endpoint costs nothing and is a route, not an interface: S3 traffic of every subnet behind these route tables.
    [S3_GATEWAY_ENDPOINT]: {
      Type: 'AWS::EC2::VPCEndpoint',
      Condition: CREATE_VPC_ENDPOINTS,
      Properties: {
        VpcEndpointType: 'Gateway',
        ServiceName: serviceName('s3'),
        VpcId: vpcId,
        RouteTableIds: { Ref: ROUTE_TABLE_IDS_PARAMETER },
      },
    },
  };
}
