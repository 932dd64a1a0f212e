// Render a questionnaire with react-jsonschema-form, as an app would, and
// print {"html": the rendered form, "defaults": the form data it starts with}.
// Usage: node render.mjs QUESTIONNAIRE.json
import { readFileSync } from "node:fs";
import React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import Form from "@rjsf/core";
import { getDefaultFormState } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import Ajv2020 from "ajv/dist/2020.js";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
// Draft 2020-12 needs Ajv's 2020 class; everything else is rjsf's default.
const validator = customizeValidator({ AjvClass: Ajv2020 });
const html = renderToStaticMarkup(React.createElement(Form, { schema, validator }));
const defaults = getDefaultFormState(validator, schema, undefined, schema);
process.stdout.write(JSON.stringify({ html, defaults }));
