// What a model input's value is, and the model id in what a person pasted: the same rule as the
// backend's (easel_workflow::models): an id is 1 to 20 digits that fit a uint64, and a Tensor.Art
// model page URL carries it after `/models/`. Pure. Leaves out asking whether the model exists
// (models.ts) and mapping it (the backend's `model_map`).

const MAX_ID_DIGITS = 20;
const MAX_U64 = 18_446_744_073_709_551_615n;

/** True for a Tensor.Art model id. */
export function isModelId(text: string): boolean {
  return (
    text.length > 0 &&
    text.length <= MAX_ID_DIGITS &&
    /^[0-9]+$/.test(text) &&
    BigInt(text) <= MAX_U64
  );
}

/** The value of a model input as text ("" when it holds nothing). */
export function modelValueText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value).trim();
}

/** True when a model input names a file (`v1-5-pruned-emaonly.safetensors`), which Tensor.Art
 * cannot take, rather than holding an id or nothing. */
export function isModelFile(value: unknown): boolean {
  const text = modelValueText(value);
  return text !== "" && !isModelId(text);
}

/** The model id in a pasted id or model page URL (`https://tensor.art/models/600423083519508503`,
 * with or without a version path, query or fragment); null when neither is recognised. */
export function modelIdOf(reference: string): string | null {
  const text = reference.trim();
  if (isModelId(text)) return text;
  const at = text.indexOf("/models/");
  if (at < 0) return null;
  const digits = /^[0-9]*/.exec(text.slice(at + "/models/".length))?.[0] ?? "";
  return isModelId(digits) ? digits : null;
}
