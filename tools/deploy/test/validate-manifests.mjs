// Validates Kubernetes objects (a JSON array on stdin) with kubernetes-models and
// @kubernetes-models/keda, which check each object against its OpenAPI schema. Prints a JSON array of
// problems: one per object that fails, and one per apiVersion/kind no schema is known for.
// A separate process because both packages are ES modules only, which jest's CommonJS runtime cannot load.
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import * as kedaV1alpha1 from '@kubernetes-models/keda/keda.sh/v1alpha1';

const modelsByApiVersion = {
  v1: coreV1,
  'apps/v1': appsV1,
  'autoscaling/v2': autoscalingV2,
  'batch/v1': batchV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
  'keda.sh/v1alpha1': kedaV1alpha1,
};

let input = '';
for await (const chunk of process.stdin) input += chunk;

const problems = [];
for (const object of JSON.parse(input)) {
  const kind = object?.kind ?? '?';
  const name = object?.metadata?.name ?? '?';
  const Model = modelsByApiVersion[object?.apiVersion]?.[kind];
  if (typeof Model !== 'function') {
    problems.push({ kind, name, error: `no schema known for ${object?.apiVersion} ${kind}` });
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push({ kind, name, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(problems));
