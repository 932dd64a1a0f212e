// The FHIRPath engine's values of a Questionnaire's calculatedExpressions,
// for tests/interchange/test_fhir.py. The first line on standard input is the
// Questionnaire; each later line a QuestionnaireResponse to it, answered by
// one line {linkId: [value with JavaScript numbers, value with precise
// decimals]}, where a value is the expression's result (an array).
//
// The engine runs as a form filler runs it: the R4 model, the Questionnaire
// as %questionnaire (weight() reads the answer options' itemWeight there),
// the response as %resource.
import { createInterface } from "node:readline";
import fhirpath from "fhirpath";
import r4 from "fhirpath/fhir-context/r4/index.js";

const CALCULATED =
  "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";

function* calculated(items) {
  for (const item of items ?? []) {
    for (const extension of item.extension ?? []) {
      if (extension.url === CALCULATED) yield [item.linkId, extension.valueExpression.expression];
    }
    yield* calculated(item.item);
  }
}

let questionnaire;
let expressions;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (questionnaire === undefined) {
    questionnaire = JSON.parse(line);
    expressions = [...calculated(questionnaire.item)].map(([linkId, expression]) => [
      linkId,
      fhirpath.compile(expression, r4, { preciseMath: false }),
      fhirpath.compile(expression, r4, { preciseMath: true }),
    ]);
    continue;
  }
  const response = JSON.parse(line);
  const values = {};
  for (const [linkId, native, precise] of expressions) {
    values[linkId] = [native(response, { questionnaire, resource: response }), precise(response, { questionnaire, resource: response })];
  }
  process.stdout.write(JSON.stringify(values) + "\n");
}
