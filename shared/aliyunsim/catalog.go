package aliyunsim

// The catalog is the fixed vocabulary the world draws from: products with their billing
// items and list prices, regions with their display names, tags and resource groups. Prices
// are in CNY micro-units; international accounts are priced in USD by usdPer10kCNY.

// usdPer10kCNY converts CNY list prices to USD (about 7.1 CNY to the dollar).
const usdPer10kCNY = 1408

type itemDef struct {
	code           string
	nameZh, nameEn string
	unitZh, unitEn string
	// priceMicros is the list price of one unit (CNY micro-units).
	priceMicros int64
	// baseMilli is the usage of one day, in thousandths of a unit, for a size-1 resource.
	baseMilli int64
	// metered items vary by day (traffic, requests, capacity units) and are always
	// pay-as-you-go; the others are time or capacity based and follow the resource's
	// subscription type.
	metered bool
}

type product struct {
	code            string // names come from billing.ProductName
	productType     string
	commodityCode   string
	pipCode         string
	weight          int // share of resources
	subscriptionPct int // percentage of resources bought as Subscription
	idleKind        string
	idlePct         int
	sized           bool // whether the instance spec scales price and usage
	zonal           bool // whether the resource lives in one zone
	specs           []string
	items           []itemDef
}

// Idle kinds, as labelled in IdleResources.
const (
	IdleUnattachedDisk = "unattached_disk"
	IdleUnboundEIP     = "unbound_eip"
	IdleECS            = "idle_ecs"
	IdleSLB            = "idle_slb"
)

var catalog = []product{
	{
		code: "ecs", zonal: true, productType: "ecs",
		commodityCode: "ecs", pipCode: "ecs", weight: 22, subscriptionPct: 40,
		idleKind: IdleECS, idlePct: 8, sized: true,
		specs: []string{"ecs.g7.large", "ecs.g7.xlarge", "ecs.g7.2xlarge", "ecs.g7.4xlarge"},
		items: []itemDef{
			{code: "instance_type", nameZh: "云服务器配置", nameEn: "Instance Type", unitZh: "小时", unitEn: "Hour", priceMicros: 520_000, baseMilli: 24_000},
			{code: "systemdisk", nameZh: "系统盘", nameEn: "System Disk", unitZh: "GB", unitEn: "GB", priceMicros: 35_000, baseMilli: 40_000},
			{code: "internet_traffic", nameZh: "流量", nameEn: "Internet Traffic", unitZh: "GB", unitEn: "GB", priceMicros: 800_000, baseMilli: 5_000, metered: true},
		},
	},
	{
		code: "yundisk", zonal: true, productType: "yundisk",
		commodityCode: "yundisk", pipCode: "yundisk", weight: 12, subscriptionPct: 30,
		idleKind: IdleUnattachedDisk, idlePct: 25, sized: true,
		specs: []string{"cloud_essd PL0 100GB", "cloud_essd PL1 200GB", "cloud_essd PL1 400GB", "cloud_essd PL1 800GB"},
		items: []itemDef{
			{code: "datadisk", nameZh: "数据盘", nameEn: "Data Disk", unitZh: "GB", unitEn: "GB", priceMicros: 35_000, baseMilli: 100_000},
		},
	},
	{
		code: "rds", zonal: true, productType: "rds",
		commodityCode: "rds", pipCode: "rds", weight: 8, subscriptionPct: 60, sized: true,
		specs: []string{"mysql.n2.medium.1", "mysql.n2.large.1", "mysql.n4.xlarge.1", "mysql.n4.2xlarge.1"},
		items: []itemDef{
			{code: "instance_class", nameZh: "实例规格", nameEn: "Instance Class", unitZh: "小时", unitEn: "Hour", priceMicros: 1_200_000, baseMilli: 24_000},
			{code: "storage", nameZh: "存储空间", nameEn: "Storage", unitZh: "GB", unitEn: "GB", priceMicros: 25_000, baseMilli: 100_000},
			{code: "backup", nameZh: "备份空间", nameEn: "Backup Storage", unitZh: "GB", unitEn: "GB", priceMicros: 20_000, baseMilli: 50_000, metered: true},
		},
	},
	{
		code: "oss", productType: "oss",
		commodityCode: "oss", pipCode: "oss", weight: 8,
		items: []itemDef{
			{code: "storage", nameZh: "标准存储容量", nameEn: "Standard Storage", unitZh: "GB", unitEn: "GB", priceMicros: 4_000, baseMilli: 500_000},
			{code: "network_out", nameZh: "外网流出流量", nameEn: "Outbound Internet Traffic", unitZh: "GB", unitEn: "GB", priceMicros: 500_000, baseMilli: 20_000, metered: true},
			{code: "requests", nameZh: "请求次数", nameEn: "Requests", unitZh: "万次", unitEn: "10K Requests", priceMicros: 10_000, baseMilli: 50_000, metered: true},
		},
	},
	{
		code: "slb", zonal: true, productType: "slb",
		commodityCode: "slb", pipCode: "slb", weight: 7, idleKind: IdleSLB, idlePct: 15,
		items: []itemDef{
			{code: "instance_fee", nameZh: "实例费", nameEn: "Instance Fee", unitZh: "小时", unitEn: "Hour", priceMicros: 20_000, baseMilli: 24_000},
			{code: "lcu", nameZh: "性能容量单位", nameEn: "LCU", unitZh: "LCU", unitEn: "LCU", priceMicros: 50_000, baseMilli: 20_000, metered: true},
			{code: "traffic", nameZh: "流量", nameEn: "Traffic", unitZh: "GB", unitEn: "GB", priceMicros: 800_000, baseMilli: 3_000, metered: true},
		},
	},
	{
		code: "cdn", productType: "cdn",
		commodityCode: "cdn", pipCode: "cdn", weight: 4,
		items: []itemDef{
			{code: "traffic", nameZh: "下行流量", nameEn: "Downstream Traffic", unitZh: "GB", unitEn: "GB", priceMicros: 240_000, baseMilli: 100_000, metered: true},
		},
	},
	{
		code: "redisa", zonal: true, productType: "kvstore",
		commodityCode: "redisa", pipCode: "kvstore", weight: 5, subscriptionPct: 60, sized: true,
		specs: []string{"redis.master.small.default", "redis.master.mid.default", "redis.master.stand.default", "redis.master.large.default"},
		items: []itemDef{
			{code: "instance_class", nameZh: "实例规格", nameEn: "Instance Class", unitZh: "小时", unitEn: "Hour", priceMicros: 400_000, baseMilli: 24_000},
		},
	},
	{
		code: "eip", productType: "eip",
		commodityCode: "eip", pipCode: "eip", weight: 8, idleKind: IdleUnboundEIP, idlePct: 25,
		items: []itemDef{
			{code: "ip_fee", nameZh: "IP保有费", nameEn: "IP Retention Fee", unitZh: "小时", unitEn: "Hour", priceMicros: 20_000, baseMilli: 24_000},
			{code: "traffic", nameZh: "流量", nameEn: "Internet Traffic", unitZh: "GB", unitEn: "GB", priceMicros: 800_000, baseMilli: 4_000, metered: true},
		},
	},
	{
		code: "nat_gw", productType: "nat_gw",
		commodityCode: "nat_gw", pipCode: "nat_gw", weight: 4,
		items: []itemDef{
			{code: "instance_fee", nameZh: "实例费", nameEn: "Instance Fee", unitZh: "小时", unitEn: "Hour", priceMicros: 120_000, baseMilli: 24_000},
			{code: "cu", nameZh: "性能容量单位", nameEn: "Capacity Unit", unitZh: "CU", unitEn: "CU", priceMicros: 120_000, baseMilli: 30_000, metered: true},
		},
	},
	{
		code: "sls", productType: "sls",
		commodityCode: "sls", pipCode: "sls", weight: 5,
		items: []itemDef{
			{code: "storage", nameZh: "存储空间", nameEn: "Storage", unitZh: "GB", unitEn: "GB", priceMicros: 12_000, baseMilli: 200_000},
			{code: "write_traffic", nameZh: "写入流量", nameEn: "Ingested Data", unitZh: "GB", unitEn: "GB", priceMicros: 180_000, baseMilli: 10_000, metered: true},
			{code: "read_write", nameZh: "读写次数", nameEn: "Read/Write Operations", unitZh: "万次", unitEn: "10K Operations", priceMicros: 1_200, baseMilli: 300_000, metered: true},
		},
	},
}

type region struct {
	id, name   string // name is the display name the billing API returns
	zonePrefix string
	zones      []string // zone letters
	weight     int
}

var chinaRegions = []region{
	{id: "cn-hangzhou", name: "华东1（杭州）", zonePrefix: "杭州", zones: []string{"h", "i", "j"}, weight: 5},
	{id: "cn-shanghai", name: "华东2（上海）", zonePrefix: "上海", zones: []string{"e", "f", "l"}, weight: 3},
	{id: "cn-beijing", name: "华北2（北京）", zonePrefix: "北京", zones: []string{"h", "i", "k"}, weight: 3},
	{id: "cn-shenzhen", name: "华南1（深圳）", zonePrefix: "深圳", zones: []string{"a", "c", "d"}, weight: 2},
	{id: "cn-zhangjiakou", name: "华北3（张家口）", zonePrefix: "张家口", zones: []string{"a", "b"}, weight: 1},
}

var internationalRegions = []region{
	{id: "ap-southeast-1", name: "新加坡", zonePrefix: "新加坡", zones: []string{"a", "b", "c"}, weight: 4},
	{id: "us-west-1", name: "美国（硅谷）", zonePrefix: "美国（硅谷）", zones: []string{"a", "b"}, weight: 2},
	{id: "eu-central-1", name: "德国（法兰克福）", zonePrefix: "德国（法兰克福）", zones: []string{"a", "b"}, weight: 1},
	{id: "cn-hongkong", name: "中国（香港）", zonePrefix: "香港", zones: []string{"b", "c"}, weight: 2},
	{id: "ap-northeast-1", name: "日本（东京）", zonePrefix: "东京", zones: []string{"a", "b"}, weight: 1},
}

var (
	tagEnvs  = []string{"prod", "prod", "staging", "dev", "test"}
	tagTeams = []string{"data", "web", "platform", "ml", "payments"}
	tagApps  = []string{"shop", "search", "billing", "crm", "analytics"}
)

// Resource groups by name, as the bill shows them; the first is the account's default group.
var (
	resourceGroupsChina = []string{"默认资源组", "production", "data-platform", "web", "ml"}
	resourceGroupsIntl  = []string{"default resource group", "production", "data-platform", "web", "ml"}
)
