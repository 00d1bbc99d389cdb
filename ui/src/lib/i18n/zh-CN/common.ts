export const common: Record<string, string> = {
  "common.cancel": "取消",
  "common.close": "关闭",
  "common.dismiss": "忽略",
  "common.save": "保存",
  "common.delete": "删除",
  "common.undo": "撤销",
  "common.retry": "重试",
  "common.search": "搜索",
  "common.viewFailed": "无法加载此视图（{reason}）。重启 Easel 也许可以解决；重新安装一定可以。",
};
