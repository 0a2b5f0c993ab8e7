import { mskIamToken } from '../../../../shared/clients/kafkaBrokers';

describe('mskIamToken', () => {
  it('should sign an OAUTHBEARER token for kafka-cluster:Connect with the given credentials', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', AWS_SESSION_TOKEN: '' });
    try {
      const value = await mskIamToken('eu-west-1')();
      // The token is a base64url presigned URL for the kafka-cluster service in that region.
      const url = Buffer.from(value, 'base64url').toString('utf8');
      expect(url).toMatch(/^https:\/\/kafka\.eu-west-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect/);
      expect(url).toContain('X-Amz-Credential=AKIDEXAMPLE');
    } finally {
      process.env = saved;
    }
  });
});
