import type { OpenAPIObject } from '@nestjs/swagger';
import { completeOperations } from './openapi-document';

function documentWith(paths: OpenAPIObject['paths']): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths };
}

describe('completeOperations', () => {
  it('declares no credentials on an operation that names no scheme, and keeps the schemes of one that does', () => {
    const document = completeOperations(
      documentWith({
        '/open': { get: { responses: { '200': { description: 'ok' } } } },
        '/guarded': { post: { security: [{ bearer: [] }], responses: { '401': { description: 'no key' } } } },
      }),
    );
    expect(document.paths['/open'].get?.security).toEqual([]);
    expect(document.paths['/guarded'].post?.security).toEqual([{ bearer: [] }]);
  });

  it('adds the headers-too-large answer only to operations that declare no 4xx', () => {
    const document = completeOperations(
      documentWith({
        '/probe': { get: { responses: { '200': { description: 'ok' }, '503': { description: 'not ready' } } } },
        '/symbol': { get: { responses: { '200': { description: 'ok' }, '404': { description: 'not tracked' } } } },
      }),
    );
    expect(Object.keys(document.paths['/probe'].get?.responses ?? {}).sort()).toEqual(['200', '431', '503']);
    expect(Object.keys(document.paths['/symbol'].get?.responses ?? {})).toEqual(['200', '404']);
  });
});
