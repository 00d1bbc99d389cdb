// 简体中文 messages of the "runs as it stands" status: the same keys as en/readiness.ts.
export const readiness: Record<string, string> = {
  "readiness.ready": "可直接在 Tensor.Art 上运行",
  "readiness.unmapped.one": "需要映射 1 个模型",
  "readiness.unmapped.other": "需要映射 {count} 个模型",
  "readiness.errors.one": "有 1 个错误需要修正",
  "readiness.errors.other": "有 {count} 个错误需要修正",
  "readiness.blocked": "无法按现状运行",
  "readiness.unknown.one": "使用了 1 个 Tensor.Art 可能没有的节点类型",
  "readiness.unknown.other": "使用了 {count} 个 Tensor.Art 可能没有的节点类型",
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
