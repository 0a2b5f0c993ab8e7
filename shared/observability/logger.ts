import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process (Powertools: CloudWatch-friendly JSON, log level from
 * POWERTOOLS_LOG_LEVEL / LOG_LEVEL). Made once at module scope: a logger per record would cost an
 * allocation on the hot path for nothing.
 */
export const logger = new Logger({ serviceName: 'triplane' });
