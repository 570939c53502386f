// Interface strings of the hardening pages, merged into messages.mjs. Keep zh and en key sets equal.
export const zh = {
  // A billing sync whose process was killed mid-run; the next run completed its days.
  "acc.run.abandoned": "已中断",
};
export const en = {
  "acc.run.abandoned": "Abandoned",
};
