// Interface strings of the bills pages, merged into messages.mjs. Keep zh and en key sets equal.
export const zh = {
  "bills.prepaidCard": "储值卡抵扣",
  "bills.resourcePackage": "资源包抵扣",
};
export const en = {
  "bills.prepaidCard": "Prepaid cards",
  "bills.resourcePackage": "Resource packages",
};
