#!/usr/bin/env node
// Validates every object in the given Kubernetes manifests against the Kubernetes API's own schemas (the npm package
// kubernetes-models carries them, compiled for ajv), offline. Prints one JSON report: the objects found and the
// problems, and exits 1 when there is any. Used by deploy/test/kubernetes.spec.ts; run it by hand with
//   node tools/kubernetes-validate.mjs deploy/kubernetes/*.yaml
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** Not API objects: read by kubectl's kustomize, not by the API server. */
const CLIENT_SIDE_KINDS = new Set(['kustomize.config.k8s.io/v1beta1/Kustomization']);

const objects = [];
const problems = [];
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) {
      problems.push(`${file}: not YAML: ${document.errors[0].message}`);
      continue;
    }
    const object = document.toJS();
    if (object === null) {
      continue;
    }
    const { apiVersion, kind } = object;
    const name = `${file}: ${apiVersion}/${kind} ${object.metadata?.name ?? ''}`.trim();
    if (CLIENT_SIDE_KINDS.has(`${apiVersion}/${kind}`)) {
      objects.push({ file, apiVersion, kind, object });
      continue;
    }
    let Model;
    try {
      ({ [kind]: Model } = await import(`kubernetes-models/${apiVersion}/${kind}`));
    } catch {
      problems.push(`${name}: no such kind in the Kubernetes API`);
      continue;
    }
    try {
      new Model(object).validate();
      objects.push({ file, apiVersion, kind, object });
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
  }
}
process.stdout.write(`${JSON.stringify({ objects, problems })}\n`);
process.exit(problems.length > 0 ? 1 : 0);
