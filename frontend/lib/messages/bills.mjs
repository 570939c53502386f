// Interface strings of the bills pages, merged into messages.mjs. Keep zh and en key sets equal.
export const zh = {
  "bills.prepaidCard": "储值卡抵扣",
  "bills.resourcePackage": "资源包抵扣",
  "bills.incompleteBadge": "账单不完整",
  "bills.incompleteTitle": "以下 {days} 天的账单未能完整同步，涉及这些日期的金额可能偏低。",
  "bills.incompleteReason": "原因：{reason}",
  "bills.exportCsvWide": "CSV（按期间分列）",
};
export const en = {
  "bills.prepaidCard": "Prepaid cards",
  "bills.resourcePackage": "Resource packages",
  "bills.incompleteBadge": "Incomplete bills",
  "bills.incompleteTitle": "The bills of {days} day(s) below could not be synced in full; figures covering those days may be short.",
  "bills.incompleteReason": "reason: {reason}",
  "bills.exportCsvWide": "CSV (periods as columns)",
};
