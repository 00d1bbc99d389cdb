// English messages of the "runs as it stands" status (`readiness.*`): the Generate toolbar's
// badge and Run's reason, a favourite card's and a gallery image's "Run again". The offline demo
// plays Tensor.Art, so the wording is the same on both.
export const readiness: Record<string, string> = {
  "readiness.ready": "Runs on Tensor.Art as is",
  "readiness.unmapped.one": "Needs 1 model mapping",
  "readiness.unmapped.other": "Needs {count} model mappings",
  "readiness.errors.one": "1 error to fix",
  "readiness.errors.other": "{count} errors to fix",
  "readiness.blocked": "Cannot run as it stands",
  "readiness.unknown.one": "Uses 1 node class Tensor.Art may lack",
  "readiness.unknown.other": "Uses {count} node classes Tensor.Art may lack",
  "readiness.unknownTitle":
    "Not in the bundled node list: {classes}. Tensor.Art says when the run is sent whether it has them.",
  "readiness.title":
    "Checked against Tensor.Art's rules (the offline demo follows them too): model inputs must hold model ids.",
  "readiness.reason.unmapped.one": "Map 1 model file to a Tensor.Art model first.",
  "readiness.reason.unmapped.other": "Map {count} model files to Tensor.Art models first.",
  "readiness.reason.errors.one": "Fix 1 error in the workflow first.",
  "readiness.reason.errors.other": "Fix {count} errors in the workflow first.",
  "readiness.reason.blocked": "This workflow cannot run as it stands.",
  "readiness.reason.openToMap": "Open it in Generate to map its models.",
};
