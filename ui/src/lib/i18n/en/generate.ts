export const generate: Record<string, string> = {
  "result.empty": "Results appear here as soon as each image is saved.",
  "result.notIndexed": "Saved, but not yet in the gallery (it will appear after a rescan).",
  "result.broken": "This image could not be loaded.",
  "result.openInGallery": "Open in the gallery",
  "result.alt": "Result from node {node}",
  "result.node": "node",
  "result.strip": "Images of this run",
  "notify.doneTitle": "Easel: runs finished",
  "notify.doneBody": "{runs} run(s) done, {images} image(s) saved.",
  "notify.failedTitle": "Easel: a run failed",
  "notify.failedBody": "{failed} of {runs} run(s) failed. Open Easel to see why.",
};
