export const common: Record<string, string> = {
  "common.cancel": "Cancel",
  "common.close": "Close",
  "common.dismiss": "Dismiss",
  "common.save": "Save",
  "common.delete": "Delete",
  "common.undo": "Undo",
  "common.retry": "Retry",
  "common.search": "Search",
  "common.viewFailed":
    "This view could not be loaded ({reason}). Restarting Easel may help; reinstalling it will.",
};
