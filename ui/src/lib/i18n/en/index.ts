// English messages, one file per area of the UI (merged here; keys are prefixed by area).
import { common } from "./common";

export const en: Record<string, string> = { ...common };
