export const generate: Record<string, string> = {
  "result.empty": "每张图片保存后会立即显示在这里。",
  "result.notIndexed": "已保存，但尚未加入图库（重新扫描后会出现）。",
  "result.broken": "无法加载这张图片。",
  "result.openInGallery": "在图库中打开",
  "result.alt": "节点 {node} 的结果",
  "result.node": "节点",
  "result.strip": "本次运行的图片",
  "notify.doneTitle": "Easel：运行完成",
  "notify.doneBody": "{runs} 次运行完成，已保存 {images} 张图片。",
  "notify.failedTitle": "Easel：运行失败",
  "notify.failedBody": "{runs} 次运行中有 {failed} 次失败。打开 Easel 查看原因。",
};
