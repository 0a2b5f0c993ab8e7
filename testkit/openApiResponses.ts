import Ajv2020 from 'ajv/dist/2020';

type Json = Record<string, unknown>;

export interface ObservedResponse {
  method: string;
  /** The document's path template (`/sessions/{sessionId}`). */
  path: string;
  status: number;
  contentType: string;
  /** As fetch gives them, or as a handler returns them (APIGatewayProxyStructuredResultV2.headers). */
  headers: Headers | Readonly<Record<string, string | number | boolean>>;
  body: string;
}

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks real answers against an OpenAPI 3.1 document: the status is documented for the operation, the
 * media type is one it lists, every required header is there, and a JSON body validates against its
 * schema (ajv, draft 2020-12, the document's own dialect). Returns what is wrong, empty when nothing is.
 */
export function openApiResponseChecker(document: Json): (response: ObservedResponse) => string[] {
  // strict off: the document's own keywords (openapi, paths, description in odd places) are not JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, 'openapi.json');
  const paths = document.paths as Record<string, Record<string, Json>>;
  return (response) => {
    const where = `${response.method} ${response.path} -> ${response.status}`;
    const operation = paths[response.path]?.[response.method.toLowerCase()];
    if (operation === undefined) return [`${where}: no such operation in the document`];
    const responses = operation.responses as Record<string, Json>;
    const documented = responses[String(response.status)];
    if (documented === undefined) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`];
    const headers = response.headers instanceof Headers ? response.headers : new Headers(Object.entries(response.headers).map(([name, value]): [string, string] => [name, String(value)]));
    const problems: string[] = [];
    for (const [name, header] of Object.entries((documented.headers ?? {}) as Record<string, Json>)) {
      if (header.required === true && !headers.has(name)) problems.push(`${where}: header ${name} missing`);
    }
    const mediaType = response.contentType.split(';')[0]?.trim() ?? '';
    const content = documented.content as Record<string, Json>;
    if (!(mediaType in content)) return [...problems, `${where}: content-type ${mediaType} not documented (documented: ${Object.keys(content).join(', ')})`];
    if (mediaType !== 'application/json') return problems;
    const validate = ajv.compile({ $ref: `openapi.json#/${pointer('paths', response.path, response.method.toLowerCase(), 'responses', String(response.status), 'content', mediaType, 'schema')}` });
    if (!validate(JSON.parse(response.body))) problems.push(`${where}: body ${response.body.slice(0, 300)} does not match: ${ajv.errorsText(validate.errors)}`);
    return problems;
  };
}
