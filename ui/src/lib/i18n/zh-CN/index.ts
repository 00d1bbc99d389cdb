// 简体中文 messages: the same areas and keys as en/.
import { common } from "./common";
import { generate } from "./generate";
import { graph } from "./graph";
import { settings } from "./settings";
import { favourites } from "./favourites";
import { shortcuts } from "./shortcuts";
import { gallery } from "./gallery";
import { form } from "./form";
import { readiness } from "./readiness";
import { history } from "./history";
import { sweep } from "./sweep";

export const zhCN: Record<string, string> = {
  ...common,
  ...generate,
  ...graph,
  ...settings,
  ...favourites,
  ...shortcuts,
  ...gallery,
  ...form,
  ...readiness,
  ...history,
  ...sweep,
};
