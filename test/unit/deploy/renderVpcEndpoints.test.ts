import { deployedFunctionCatalog } from '../../../testkit/deployedFunctionCatalog';
import { customResourceServiceTimeout } from '../../../deploy/customResourceTimeout';
import { derivedResources } from '../../../deploy/derivedResources';
import { CREATE_VPC_ENDPOINTS, ENDPOINT_SECURITY_GROUP, NAT_GATEWAY_PARAMETER, ROUTE_TABLE_IDS_PARAMETER, S3_GATEWAY_ENDPOINT, VPC_ID_PARAMETER } from '../../../deploy/renderVpcEndpoints';
import { RESPONSE_TIMEOUT_MS } from '../../../functions/declare-workflow-topology/customResourceResponse';
import { FUNCTIONS } from '../../../shared/routes/functionCatalog';

type Resource = { Type: string; Condition?: string; Properties: Record<string, unknown> };

describe('the VPC endpoints the stack makes (deploy/renderVpcEndpoints)', () => {
  const template = derivedResources(deployedFunctionCatalog());
  const resources = template.Resources as Record<string, Resource>;
  const endpoints = Object.values(resources).filter((r) => r.Type === 'AWS::EC2::VPCEndpoint');
  const serviceOf = (r: Resource) => JSON.stringify(r.Properties.ServiceName).replace(/.*\}\.([a-z0-9-]+)".*/, '$1');

  it('should make an interface endpoint for Secrets Manager, the MSK API, STS and Lambda, and an S3 gateway endpoint', () => {
    expect(
      endpoints
        .filter((r) => r.Properties.VpcEndpointType === 'Interface')
        .map(serviceOf)
        .sort(),
    ).toEqual(['kafka', 'lambda', 'secretsmanager', 'sts']);
    expect(resources[S3_GATEWAY_ENDPOINT]?.Properties).toMatchObject({
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' },
      RouteTableIds: { Ref: ROUTE_TABLE_IDS_PARAMETER },
    });
  });

  it("should put each interface endpoint in the functions' two subnets, with private DNS and the endpoints' security group", () => {
    for (const endpoint of endpoints.filter((r) => r.Properties.VpcEndpointType === 'Interface')) {
      expect(endpoint.Properties).toMatchObject({
        VpcId: { Ref: VPC_ID_PARAMETER },
        SubnetIds: ['${param:subnetIdA}', '${param:subnetIdB}'],
        SecurityGroupIds: [{ Ref: ENDPOINT_SECURITY_GROUP }],
        PrivateDnsEnabled: true,
      });
    }
  });

  it("should let only the functions' security group in, on 443, and nothing out", () => {
    const group = resources[ENDPOINT_SECURITY_GROUP];
    expect(group?.Properties.SecurityGroupIngress).toEqual([{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: '${param:securityGroupId}', Description: expect.any(String) }]);
    expect(group?.Properties.SecurityGroupEgress).toEqual([{ IpProtocol: '-1', CidrIp: '127.0.0.1/32', Description: expect.any(String) }]);
  });

  it("should make every endpoint and its security group only when the stage declares no NAT (natGateway, 'false' by default)", () => {
    const conditioned = Object.values(resources).filter((r) => r.Condition === CREATE_VPC_ENDPOINTS);
    expect(conditioned).toHaveLength(endpoints.length + 1);
    expect(template.Conditions[CREATE_VPC_ENDPOINTS]).toEqual({ 'Fn::Equals': [{ Ref: NAT_GATEWAY_PARAMETER }, 'false'] });
    expect(template.Parameters[NAT_GATEWAY_PARAMETER]).toMatchObject({ AllowedValues: ['true', 'false'], Default: "${param:natGateway, 'false'}" });
  });
});

describe('the workflow topology custom resource', () => {
  const hook = FUNCTIONS.find((fn) => fn.deployHook === 'workflow-topology');
  const topology = (derivedResources(deployedFunctionCatalog()).Resources as Record<string, Resource>).WorkflowTopology;

  it("should set a ServiceTimeout covering the hook's run and its two answers, far under CloudFormation's hour", () => {
    const timeout = topology?.Properties.ServiceTimeout;
    expect(typeof timeout).toBe('number');
    expect(timeout).toBeGreaterThanOrEqual((hook?.timeoutSeconds ?? Infinity) + (2 * RESPONSE_TIMEOUT_MS) / 1000);
    expect(timeout).toBeLessThanOrEqual(600);
  });

  it('should refuse a hook whose timeout leaves no ServiceTimeout within 3600 s', () => {
    expect(() => customResourceServiceTimeout(3590)).toThrow(/3600/);
  });
});
