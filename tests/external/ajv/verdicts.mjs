// Ajv's verdicts, for tests/properties/test_portable.py. The first line on standard
// input is a JSON array of schemas; each later line a JSON array
// [schema $id, instance], answered by one line [valid, [pointer, ...]]:
// Ajv's verdict and the instance path of each of its errors.
//
// Ajv runs as a front end would run it: Draft 2020-12, strict mode, every
// error, formats from ajv-formats, and the blunting vocabulary's annotation
// keyword declared (it validates nothing). allowUnionTypes lets the
// vocabulary's meta-schema say that an option's value is an integer, a
// string or null.
import { createInterface } from "node:readline";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
ajv.addVocabulary(["x-scoring"]);

let ready = false;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!ready) {
    for (const schema of JSON.parse(line)) ajv.addSchema(schema);
    ready = true;
    continue;
  }
  const [id, instance] = JSON.parse(line);
  const validate = ajv.getSchema(id);
  if (validate === undefined) throw new Error(`no schema ${id}`);
  const valid = validate(instance);
  const pointers = valid ? [] : validate.errors.map((error) => error.instancePath);
  process.stdout.write(JSON.stringify([valid, pointers]) + "\n");
}
