// 简体中文 messages: the same areas and keys as en/.
import { common } from "./common";

export const zhCN: Record<string, string> = { ...common };
