import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError } from './HttpError';

/**
 * 415 unless the body is declared `application/json` (UTF-8, the only charset JSON allows on the wire,
 * RFC 8259 section 8.1). Beyond naming the format, this is what stops a web page from writing events:
 * text/plain, form and multipart posts are "simple" requests a browser sends cross-origin without a
 * CORS preflight, whereas application/json needs one, and this API answers no preflight.
 */
export function requireJsonContentType(event: APIGatewayProxyEventV2): void {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a hand-written event (npm run invoke) may have no headers at all
  const declared = event.headers?.['content-type'];
  if (declared === undefined || declared.trim() === '') throw new HttpError(415, 'a content-type: application/json header is required', { headers: { accept: 'application/json' } });
  const [mediaType = '', ...parameters] = declared.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') throw new HttpError(415, `content-type ${mediaType || '(empty)'} is not accepted; send application/json`, { headers: { accept: 'application/json' } });
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=').map((part) => part.trim().replace(/^"(.*)"$/, '$1'));
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8')
      throw new HttpError(415, `charset ${value || '(empty)'} is not accepted; JSON is sent as utf-8`, { headers: { accept: 'application/json' } });
  }
}
