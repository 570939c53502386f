// Interface strings of the anomaly pages, merged into messages.mjs. Keep zh and en key sets equal.
export const zh = {};
export const en = {};
