// A questionnaire in JSON Forms with its Material renderers, as an app shows it,
// for tests/external/test_jsonforms.py (bundled by build.mjs).
//
// window.showForm(schema, data, configured) renders the schema with no UI
// schema. configured: the host passes a Draft 2020-12 validator (Ajv's 2020
// class with ajv-formats: docs/vocabulary.md, section 6); otherwise JSON Forms
// runs with its defaults. The form's data and errors are kept in window.form.
import React from "react";
import { createRoot } from "react-dom/client";
import { JsonForms } from "@jsonforms/react";
import { materialCells, materialRenderers } from "@jsonforms/material-renderers";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

class Boundary extends React.Component {
  constructor(props) {
    super(props);
    this.state = { failed: null };
  }
  static getDerivedStateFromError(error) {
    return { failed: String(error && error.message ? error.message : error) };
  }
  render() {
    if (this.state.failed !== null) {
      return React.createElement("p", { id: "failed" }, this.state.failed);
    }
    return this.props.children;
  }
}

let root = null;

window.showForm = (schema, data, configured) => {
  const ajv = configured ? new Ajv2020({ allErrors: true, verbose: true, strict: false }) : undefined;
  if (ajv) addFormats(ajv);
  window.form = { data, errors: [] };
  if (root) root.unmount();
  const host = document.getElementById("form");
  root = createRoot(host);
  root.render(
    React.createElement(
      Boundary,
      null,
      React.createElement(JsonForms, {
        schema,
        data,
        renderers: materialRenderers,
        cells: materialCells,
        ...(ajv ? { ajv } : {}),
        onChange: ({ data: changed, errors }) => {
          window.form = {
            data: changed,
            errors: (errors ?? []).map((e) => [e.instancePath, e.message]),
          };
        },
      }),
    ),
  );
};
