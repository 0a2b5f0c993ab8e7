import { fromHttpApiResult, toHttpApiEvent } from '../../../../emulator/runtime/httpApiEvent';
import { compileRoutes, matchRoute } from '../../../../emulator/runtime/httpApiRoutes';

describe('compileRoutes / matchRoute', () => {
  const routes = compileRoutes([
    { method: 'GET', path: '/flags/{name}', target: 'get-flag' },
    { method: 'GET', path: '/flags', target: 'list-flags' },
    { method: 'GET', path: '/users/{userId}/activity', target: 'activity' },
    { method: '*', path: '/files/{path+}', target: 'files' },
  ]);

  it('should match literal and parameterised routes with their parameters', () => {
    expect(matchRoute(routes, 'GET', '/flags')?.route.target).toBe('list-flags');
    expect(matchRoute(routes, 'GET', '/flags/dark')).toMatchObject({ route: { target: 'get-flag', routeKey: 'GET /flags/{name}' }, pathParameters: { name: 'dark' } });
    expect(matchRoute(routes, 'GET', '/users/u1/activity')?.pathParameters).toEqual({ userId: 'u1' });
    expect(matchRoute(routes, 'DELETE', '/files/a/b')).toMatchObject({ route: { routeKey: 'ANY /files/{path+}' }, pathParameters: { path: 'a/b' } });
  });

  it('should not match another method or a longer path', () => {
    expect(matchRoute(routes, 'POST', '/flags')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/flags/a/b')).toBeUndefined();
  });
});

describe('toHttpApiEvent', () => {
  it('should build a payload 2.0 event with joined headers, cookies apart and query parameters', () => {
    const event = toHttpApiEvent(
      { method: 'POST', url: '/events?a=1&a=2&b=x', headers: { 'content-type': 'application/json', cookie: 'c1=1; c2=2', 'x-many': ['p', 'q'] }, body: Buffer.from('{"x":1}'), sourceIp: '10.0.0.1' },
      'POST /events',
      {},
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /events',
      rawPath: '/events',
      rawQueryString: 'a=1&a=2&b=x',
      cookies: ['c1=1', 'c2=2'],
      headers: { 'content-type': 'application/json', 'x-many': 'p,q' },
      queryStringParameters: { a: '1,2', b: 'x' },
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/events', sourceIp: '10.0.0.1' }, stage: '$default' },
    });
  });

  it('should base64 a binary body', () => {
    const event = toHttpApiEvent({ method: 'POST', url: '/', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 255]), sourceIp: '' }, 'POST /', {});
    expect(event).toMatchObject({ body: 'AP8=', isBase64Encoded: true });
  });
});

describe('fromHttpApiResult', () => {
  it('should treat a result without statusCode as a 200 JSON body', () => {
    expect(fromHttpApiResult({ a: 1 })).toMatchObject({ statusCode: 200, body: '{"a":1}' });
    expect(fromHttpApiResult({ statusCode: 201, body: 'aGk=', isBase64Encoded: true })).toMatchObject({ statusCode: 201, body: Buffer.from('hi') });
  });

  it('should keep a text body as the handler gave it, for node:http to send as UTF-8 with the head', () => {
    expect(fromHttpApiResult({ statusCode: 202, body: '{"path":"/é/😀"}' })).toMatchObject({ statusCode: 202, body: '{"path":"/é/😀"}' });
  });
});
