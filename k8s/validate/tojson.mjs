// Prints a stream of YAML documents (e.g. `kubectl kustomize` output) as one JSON array, for the tests
// (tests/Deploy.Tests) to read the rendered objects with: kubectl kustomize k8s/overlays/prod | node tojson.mjs
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const objects = [];
for (const document of parseAllDocuments(readFileSync(process.argv[2] ?? "/dev/stdin", "utf8"))) {
  if (document.errors.length > 0) {
    console.error(`not YAML: ${document.errors[0].message}`);
    process.exit(2);
  }

  const object = document.toJS();
  if (object !== null && object !== undefined) {
    objects.push(object);
  }
}

process.stdout.write(JSON.stringify(objects));
