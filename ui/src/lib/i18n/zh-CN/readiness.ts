// 简体中文 messages of the "runs as it stands" status: the same keys as en/readiness.ts.
export const readiness: Record<string, string> = {
  "readiness.ready": "可直接运行",
  "readiness.unmapped.one": "1 个模型待映射",
  "readiness.unmapped.other": "{count} 个模型待映射",
  "readiness.errors.one": "1 个错误",
  "readiness.errors.other": "{count} 个错误",
  "readiness.blocked": "无法按现状运行",
  "readiness.unknown.one": "1 个未知节点类型",
  "readiness.unknown.other": "{count} 个未知节点类型",
  "readiness.unknownTitle": "内置节点列表中没有：{classes}。发送运行时 Tensor.Art 会告知是否支持。",
  "readiness.title":
    "按 Tensor.Art 的规则检查（离线演示也遵循同样的规则）：模型输入必须是模型 ID。",
  "readiness.reason.unmapped.one": "请先把 1 个模型文件映射到 Tensor.Art 模型。",
  "readiness.reason.unmapped.other": "请先把 {count} 个模型文件映射到 Tensor.Art 模型。",
  "readiness.reason.errors.one": "请先修正工作流中的 1 个错误。",
  "readiness.reason.errors.other": "请先修正工作流中的 {count} 个错误。",
  "readiness.reason.blocked": "此工作流无法按现状运行。",
  "readiness.reason.openToMap": "在“生成”中打开它即可映射模型。",
};
