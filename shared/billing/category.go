package billing

import "strings"

// FOCUS 1.2 ServiceCategory values used for Alibaba products.
const (
	CategoryAI          = "AI and Machine Learning"
	CategoryAnalytics   = "Analytics"
	CategoryCompute     = "Compute"
	CategoryDatabases   = "Databases"
	CategoryIntegration = "Integration"
	CategoryManagement  = "Management and Governance"
	CategoryMedia       = "Media"
	CategoryNetworking  = "Networking"
	CategorySecurity    = "Security"
	CategoryStorage     = "Storage"
	CategoryWeb         = "Web"
	CategoryOther       = "Other"
)

// categoryByProduct maps Alibaba product codes (as bills carry them, lower case) to
// FOCUS service categories.
var categoryByProduct = map[string]string{
	// Compute
	"ecs": CategoryCompute, "ecs-disk": CategoryStorage, "eci": CategoryCompute, "fc": CategoryCompute,
	"sae": CategoryCompute, "cs": CategoryCompute, "ack": CategoryCompute, "acs": CategoryCompute,
	"swas": CategoryCompute, "ehpc": CategoryCompute, "ens": CategoryCompute, "batchcompute": CategoryCompute,
	"ddh": CategoryCompute, "ebm": CategoryCompute, "savingplan": CategoryCompute, "ecs_ri": CategoryCompute,
	// Storage
	"oss": CategoryStorage, "nas": CategoryStorage, "yundisk": CategoryStorage, "disk": CategoryStorage,
	"ebs": CategoryStorage, "snapshot": CategoryStorage, "ecs_snapshot": CategoryStorage, "hbr": CategoryStorage,
	"ots": CategoryDatabases, "cpfs": CategoryStorage, "dbfs": CategoryStorage, "sdr": CategoryStorage,
	// Databases
	"rds": CategoryDatabases, "polardb": CategoryDatabases, "polardbx": CategoryDatabases, "drds": CategoryDatabases,
	"redisa": CategoryDatabases, "kvstore": CategoryDatabases, "tair": CategoryDatabases, "dds": CategoryDatabases,
	"mongodb": CategoryDatabases, "hbase": CategoryDatabases, "lindorm": CategoryDatabases, "gpdb": CategoryDatabases,
	"clickhouse": CategoryDatabases, "selectdb": CategoryDatabases, "dts": CategoryDatabases, "dbs": CategoryDatabases,
	"dms": CategoryDatabases, "das": CategoryDatabases, "memcache": CategoryDatabases, "gdb": CategoryDatabases,
	// Analytics
	"odps": CategoryAnalytics, "maxcompute": CategoryAnalytics, "emr": CategoryAnalytics, "adb": CategoryAnalytics,
	"ads": CategoryAnalytics, "hologres": CategoryAnalytics, "elasticsearch": CategoryAnalytics, "dataworks": CategoryAnalytics,
	"quickbi": CategoryAnalytics, "sc": CategoryAnalytics, "datav": CategoryAnalytics, "opensearch": CategoryAnalytics,
	"flink": CategoryAnalytics, "dlf": CategoryAnalytics,
	// Networking
	"slb": CategoryNetworking, "alb": CategoryNetworking, "nlb": CategoryNetworking, "gwlb": CategoryNetworking,
	"eip": CategoryNetworking, "nat": CategoryNetworking, "nat_gw": CategoryNetworking, "natgw": CategoryNetworking,
	"vpc": CategoryNetworking, "cbwp": CategoryNetworking, "cbn": CategoryNetworking, "cen": CategoryNetworking,
	"vpn": CategoryNetworking, "ga": CategoryNetworking, "expressconnect": CategoryNetworking, "cdn": CategoryNetworking,
	"dcdn": CategoryNetworking, "scdn": CategoryNetworking, "dns": CategoryNetworking, "alidns": CategoryNetworking,
	"pvtz": CategoryNetworking, "domain": CategoryNetworking, "ipv6gateway": CategoryNetworking, "smartag": CategoryNetworking,
	"privatelink": CategoryNetworking, "flowbag": CategoryNetworking,
	// Security
	"waf": CategorySecurity, "ddos": CategorySecurity, "ddosbgp": CategorySecurity, "ddoscoo": CategorySecurity,
	"sas": CategorySecurity, "cas": CategorySecurity, "kms": CategorySecurity, "cfw": CategorySecurity,
	"bastionhost": CategorySecurity, "dbaudit": CategorySecurity, "sddp": CategorySecurity, "yundun": CategorySecurity,
	"ram": CategorySecurity, "idaas": CategorySecurity,
	// Management and Governance
	"sls": CategoryManagement, "log": CategoryManagement, "cms": CategoryManagement, "arms": CategoryManagement,
	"actiontrail": CategoryManagement, "config": CategoryManagement, "oos": CategoryManagement, "ros": CategoryManagement,
	"xtrace": CategoryManagement, "prometheus": CategoryManagement, "resourcemanager": CategoryManagement,
	// Integration and Web
	"mns": CategoryIntegration, "ons": CategoryIntegration, "rocketmq": CategoryIntegration, "alikafka": CategoryIntegration,
	"kafka": CategoryIntegration, "amqp": CategoryIntegration, "eventbridge": CategoryIntegration, "mqtt": CategoryIntegration,
	"apigateway": CategoryWeb, "mse": CategoryWeb, "edas": CategoryWeb, "sms": CategoryIntegration, "dm": CategoryIntegration,
	// AI and media
	"pai": CategoryAI, "learn": CategoryAI, "dashscope": CategoryAI, "sfm": CategoryAI, "bailian": CategoryAI,
	"nlp": CategoryAI, "viapi": CategoryAI, "nls": CategoryAI, "imm": CategoryMedia, "mts": CategoryMedia,
	"vod": CategoryMedia, "live": CategoryMedia, "rtc": CategoryMedia, "ice": CategoryMedia,
}

// serviceCategory looks the product code up, then the product type (some bills carry
// the specific product there), and falls back to Other.
func serviceCategory(productCode, productType string) string {
	for _, c := range []string{productCode, productType} {
		if cat, ok := categoryByProduct[strings.ToLower(c)]; ok {
			return cat
		}
	}
	return CategoryOther
}
