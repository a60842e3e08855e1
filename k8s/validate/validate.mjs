// Validates Kubernetes objects against the Kubernetes API's OpenAPI schema, as the API server would with strict
// field validation: kubernetes-models checks every field's type, the required fields and formats (its schemas are
// compiled from the API's OpenAPI document); the Kubernetes project's JavaScript client's models, generated from
// the same document, name every field an object may have, so a field the API does not know (a typo such as
// "livenesProbe", a field in the wrong place) is refused, which the OpenAPI schema alone allows.
//   kubectl kustomize k8s/overlays/prod | node k8s/validate/validate.mjs
//   node k8s/validate/validate.mjs rendered.yaml ...
// Prints one line per object ("ok apps/v1 StatefulSet librarycluster" or "invalid ...: why") and
// "N valid, N invalid" at the end; exits 1 when any object is invalid or of a kind it does not know, 2 on bad input.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as apiModels from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

const sources = process.argv.length > 2 ? process.argv.slice(2) : ["/dev/stdin"];
let valid = 0;
let invalid = 0;

for (const source of sources) {
  const documents = parseAllDocuments(readFileSync(source, "utf8"));
  for (const document of documents) {
    if (document.errors.length > 0) {
      console.error(`${source}: not YAML: ${document.errors[0].message}`);
      process.exit(2);
    }

    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }

    const what = `${object.apiVersion} ${object.kind} ${object.metadata?.name ?? "(no name)"}`;
    const problem = await check(object);
    if (problem === null) {
      valid++;
      console.log(`ok ${what}`);
    } else {
      invalid++;
      console.log(`invalid ${what}: ${problem}`);
    }
  }
}

console.log(`${valid} valid, ${invalid} invalid`);
process.exit(invalid === 0 && valid > 0 ? 0 : 1);

/** null when the object is valid, else what is wrong. */
async function check(object) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    return "no apiVersion or kind";
  }

  let module;
  try {
    module = await import(`kubernetes-models/${object.apiVersion}`);
  } catch {
    return `apiVersion ${object.apiVersion} is not one the Kubernetes API has`;
  }

  const Model = module[object.kind];
  if (typeof Model !== "function") {
    return `kind ${object.kind} is not in ${object.apiVersion}`;
  }

  // kustomize folds long base64 values over lines; the API server's decoder (Go's base64) skips line breaks.
  if (object.apiVersion === "v1" && object.kind === "Secret" && object.data) {
    object = { ...object, data: Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, "")])) };
  }

  try {
    new Model(object).validate();
  } catch (error) {
    return Array.isArray(error.errors)
      ? error.errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")
      : String(error.message ?? error);
  }

  // apps/v1 StatefulSet -> V1StatefulSet, v1 Service -> V1Service (the client's model names).
  const version = object.apiVersion.split("/").pop();
  const type = version.charAt(0).toUpperCase() + version.slice(1) + object.kind;
  if (typeof apiModels[type]?.getAttributeTypeMap !== "function") {
    return `no field list for ${type}`;
  }

  const unknown = [];
  unknownFields(object, type, "", unknown);
  return unknown.length === 0 ? null : unknown.map((path) => `${path}: unknown field`).join("; ");
}

/** Collects the paths of fields the API's type does not have, walking the value as the type says. */
function unknownFields(value, type, path, found) {
  if (value === null || value === undefined) {
    return;
  }

  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => unknownFields(item, array[1], `${path}/${i}`, found));
    }
    return;
  }

  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value)) {
      unknownFields(item, map[1], `${path}/${key}`, found);
    }
    return;
  }

  const model = apiModels[type];
  if (typeof model?.getAttributeTypeMap !== "function" || typeof value !== "object" || Array.isArray(value)) {
    return; // a string, number, boolean, quantity, int-or-string, date or free-form value: typed by the schema check
  }

  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (!fields.has(key)) {
      found.push(`${path}/${key}`);
    } else {
      unknownFields(item, fields.get(key), `${path}/${key}`, found);
    }
  }
}
