// English messages of the "runs as it stands" status (`readiness.*`): the Generate toolbar's
// badge and Run's reason, a favourite card's and a gallery image's "Run again". The offline demo
// plays Tensor.Art, so the wording is the same on both.
export const readiness: Record<string, string> = {
  "readiness.ready": "Runs as is",
  "readiness.unmapped.one": "1 model to map",
  "readiness.unmapped.other": "{count} models to map",
  "readiness.errors.one": "1 error",
  "readiness.errors.other": "{count} errors",
  "readiness.blocked": "Cannot run as it stands",
  "readiness.unknown.one": "1 unknown node class",
  "readiness.unknown.other": "{count} unknown node classes",
  "readiness.unknownTitle":
    "Not in the bundled node list: {classes}. Tensor.Art says when the run is sent whether it has them.",
  "readiness.title":
    "Short for: whether it runs on Tensor.Art as it stands, checked against Tensor.Art's rules (the offline demo follows them too): model inputs must hold model ids.",
  "readiness.reason.unmapped.one": "Map 1 model file to a Tensor.Art model first.",
  "readiness.reason.unmapped.other": "Map {count} model files to Tensor.Art models first.",
  "readiness.reason.errors.one": "Fix 1 error in the workflow first.",
  "readiness.reason.errors.other": "Fix {count} errors in the workflow first.",
  "readiness.reason.blocked": "This workflow cannot run as it stands.",
  "readiness.reason.openToMap": "Open it in Generate to map its models.",
};
