package billing

import "strings"

// Product names: the one table of Alibaba product codes (as bills carry them, lower case) and
// the names people know them by on the China site (zh) and the international site (en). The
// simulator's bills and every label the API writes take their names from here, so a product
// reads the same everywhere; the code stays in exports, tooltips and the API's values.
type productName struct{ zh, en string }

var productNames = map[string]productName{
	// Compute
	"ecs":          {"云服务器 ECS", "Elastic Compute Service"},
	"ecs-disk":     {"云盘", "Cloud Disk"},
	"eci":          {"弹性容器实例 ECI", "Elastic Container Instance"},
	"fc":           {"函数计算 FC", "Function Compute"},
	"sae":          {"Serverless 应用引擎 SAE", "Serverless App Engine"},
	"cs":           {"容器服务 Kubernetes 版", "Container Service for Kubernetes"},
	"ack":          {"容器服务 Kubernetes 版 ACK", "Container Service for Kubernetes"},
	"acs":          {"容器计算服务 ACS", "Container Compute Service"},
	"swas":         {"轻量应用服务器", "Simple Application Server"},
	"ehpc":         {"弹性高性能计算 E-HPC", "Elastic High Performance Computing"},
	"ens":          {"边缘节点服务 ENS", "Edge Node Service"},
	"batchcompute": {"批量计算", "Batch Compute"},
	"ddh":          {"专有宿主机 DDH", "Dedicated Host"},
	"ebm":          {"弹性裸金属服务器", "ECS Bare Metal Instance"},
	"savingplan":   {"节省计划", "Savings Plan"},
	"ecs_ri":       {"预留实例券", "Reserved Instance"},
	// Storage
	"oss":          {"对象存储 OSS", "Object Storage Service"},
	"nas":          {"文件存储 NAS", "File Storage NAS"},
	"yundisk":      {"块存储", "Block Storage"},
	"disk":         {"云盘", "Cloud Disk"},
	"ebs":          {"块存储 EBS", "Elastic Block Storage"},
	"snapshot":     {"快照", "Snapshot"},
	"ecs_snapshot": {"ECS 快照", "ECS Snapshot"},
	"hbr":          {"云备份", "Cloud Backup"},
	"ots":          {"表格存储 Tablestore", "Tablestore"},
	"cpfs":         {"文件存储 CPFS", "Cloud Parallel File Storage"},
	"dbfs":         {"数据库文件存储 DBFS", "Database File System"},
	"sdr":          {"云灾备", "Cloud Disaster Recovery"},
	// Databases
	"rds":        {"云数据库 RDS", "ApsaraDB RDS"},
	"polardb":    {"云原生数据库 PolarDB", "PolarDB"},
	"polardbx":   {"云原生分布式数据库 PolarDB-X", "PolarDB-X"},
	"drds":       {"分布式关系型数据库 DRDS", "Distributed Relational Database Service"},
	"redisa":     {"云数据库 Tair（兼容 Redis）", "Tair (Redis OSS-Compatible)"},
	"kvstore":    {"云数据库 Tair（兼容 Redis）", "Tair (Redis OSS-Compatible)"},
	"tair":       {"云数据库 Tair", "Tair"},
	"dds":        {"云数据库 MongoDB 版", "ApsaraDB for MongoDB"},
	"mongodb":    {"云数据库 MongoDB 版", "ApsaraDB for MongoDB"},
	"hbase":      {"云数据库 HBase 版", "ApsaraDB for HBase"},
	"lindorm":    {"云原生多模数据库 Lindorm", "Lindorm"},
	"gpdb":       {"云原生数据仓库 AnalyticDB PostgreSQL 版", "AnalyticDB for PostgreSQL"},
	"clickhouse": {"云数据库 ClickHouse", "ApsaraDB for ClickHouse"},
	"selectdb":   {"云数据库 SelectDB 版", "ApsaraDB for SelectDB"},
	"dts":        {"数据传输服务 DTS", "Data Transmission Service"},
	"dbs":        {"数据库备份 DBS", "Database Backup"},
	"dms":        {"数据管理 DMS", "Data Management"},
	"das":        {"数据库自治服务 DAS", "Database Autonomy Service"},
	"memcache":   {"云数据库 Memcache 版", "ApsaraDB for Memcache"},
	"gdb":        {"图数据库 GDB", "Graph Database"},
	// Analytics
	"odps":          {"云原生大数据计算服务 MaxCompute", "MaxCompute"},
	"maxcompute":    {"云原生大数据计算服务 MaxCompute", "MaxCompute"},
	"emr":           {"开源大数据平台 E-MapReduce", "E-MapReduce"},
	"adb":           {"云原生数据仓库 AnalyticDB MySQL 版", "AnalyticDB for MySQL"},
	"ads":           {"云原生数据仓库 AnalyticDB MySQL 版", "AnalyticDB for MySQL"},
	"hologres":      {"实时数仓 Hologres", "Hologres"},
	"elasticsearch": {"检索分析服务 Elasticsearch 版", "Elasticsearch"},
	"dataworks":     {"大数据开发治理平台 DataWorks", "DataWorks"},
	"quickbi":       {"智能分析 Quick BI", "Quick BI"},
	"sc":            {"实时计算", "Realtime Compute"},
	"datav":         {"DataV 数据可视化", "DataV"},
	"opensearch":    {"智能开放搜索 OpenSearch", "OpenSearch"},
	"flink":         {"实时计算 Flink 版", "Realtime Compute for Apache Flink"},
	"dlf":           {"数据湖构建 DLF", "Data Lake Formation"},
	// Networking
	"slb":            {"负载均衡 SLB", "Server Load Balancer"},
	"alb":            {"应用型负载均衡 ALB", "Application Load Balancer"},
	"nlb":            {"网络型负载均衡 NLB", "Network Load Balancer"},
	"gwlb":           {"网关型负载均衡 GWLB", "Gateway Load Balancer"},
	"eip":            {"弹性公网IP", "Elastic IP Address"},
	"nat":            {"NAT网关", "NAT Gateway"},
	"nat_gw":         {"NAT网关", "NAT Gateway"},
	"natgw":          {"NAT网关", "NAT Gateway"},
	"vpc":            {"专有网络 VPC", "Virtual Private Cloud"},
	"cbwp":           {"共享带宽", "Internet Shared Bandwidth"},
	"cbn":            {"云企业网", "Cloud Enterprise Network"},
	"cen":            {"云企业网", "Cloud Enterprise Network"},
	"vpn":            {"VPN网关", "VPN Gateway"},
	"ga":             {"全球加速", "Global Accelerator"},
	"expressconnect": {"高速通道", "Express Connect"},
	"cdn":            {"CDN", "CDN"},
	"dcdn":           {"全站加速 DCDN", "Dynamic Route for CDN"},
	"scdn":           {"安全加速 SCDN", "Secure CDN"},
	"dns":            {"云解析 DNS", "Alibaba Cloud DNS"},
	"alidns":         {"云解析 DNS", "Alibaba Cloud DNS"},
	"pvtz":           {"内网 DNS 解析", "PrivateZone"},
	"domain":         {"域名", "Domains"},
	"ipv6gateway":    {"IPv6 网关", "IPv6 Gateway"},
	"smartag":        {"智能接入网关", "Smart Access Gateway"},
	"privatelink":    {"私网连接", "PrivateLink"},
	"flowbag":        {"共享流量包", "Data Transfer Plan"},
	// Security
	"waf":         {"Web 应用防火墙", "Web Application Firewall"},
	"ddos":        {"DDoS 防护", "Anti-DDoS"},
	"ddosbgp":     {"DDoS 原生防护", "Anti-DDoS Origin"},
	"ddoscoo":     {"DDoS 高防", "Anti-DDoS Proxy"},
	"sas":         {"云安全中心", "Security Center"},
	"cas":         {"数字证书管理服务", "Certificate Management Service"},
	"kms":         {"密钥管理服务 KMS", "Key Management Service"},
	"cfw":         {"云防火墙", "Cloud Firewall"},
	"bastionhost": {"运维安全中心（堡垒机）", "Bastionhost"},
	"dbaudit":     {"数据库审计", "Database Audit"},
	"sddp":        {"数据安全中心", "Data Security Center"},
	"yundun":      {"云盾", "Cloud Security"},
	"ram":         {"访问控制 RAM", "Resource Access Management"},
	"idaas":       {"应用身份服务 IDaaS", "IDaaS"},
	// Management and Governance
	"sls":             {"日志服务", "Simple Log Service"},
	"log":             {"日志服务", "Simple Log Service"},
	"cms":             {"云监控", "CloudMonitor"},
	"arms":            {"应用实时监控服务 ARMS", "Application Real-Time Monitoring Service"},
	"actiontrail":     {"操作审计", "ActionTrail"},
	"config":          {"配置审计", "Cloud Config"},
	"oos":             {"系统运维管理 OOS", "CloudOps Orchestration Service"},
	"ros":             {"资源编排 ROS", "Resource Orchestration Service"},
	"xtrace":          {"链路追踪", "Managed Service for OpenTelemetry"},
	"prometheus":      {"可观测监控 Prometheus 版", "Managed Service for Prometheus"},
	"resourcemanager": {"资源管理", "Resource Management"},
	// Integration and Web
	"mns":         {"轻量消息队列（原 MNS）", "Simple Message Queue (formerly MNS)"},
	"ons":         {"云消息队列 RocketMQ 版", "ApsaraMQ for RocketMQ"},
	"rocketmq":    {"云消息队列 RocketMQ 版", "ApsaraMQ for RocketMQ"},
	"alikafka":    {"云消息队列 Kafka 版", "ApsaraMQ for Kafka"},
	"kafka":       {"云消息队列 Kafka 版", "ApsaraMQ for Kafka"},
	"amqp":        {"云消息队列 RabbitMQ 版", "ApsaraMQ for RabbitMQ"},
	"eventbridge": {"事件总线 EventBridge", "EventBridge"},
	"mqtt":        {"云消息队列 MQTT 版", "ApsaraMQ for MQTT"},
	"apigateway":  {"API 网关", "API Gateway"},
	"mse":         {"微服务引擎 MSE", "Microservices Engine"},
	"edas":        {"企业级分布式应用服务 EDAS", "Enterprise Distributed Application Service"},
	"sms":         {"短信服务", "Short Message Service"},
	"dm":          {"邮件推送", "Direct Mail"},
	// AI and media
	"pai":       {"人工智能平台 PAI", "Platform for AI"},
	"learn":     {"人工智能平台 PAI", "Platform for AI"},
	"dashscope": {"大模型服务平台百炼", "Model Studio"},
	"sfm":       {"大模型服务平台百炼", "Model Studio"},
	"bailian":   {"大模型服务平台百炼", "Model Studio"},
	"nlp":       {"自然语言处理", "Natural Language Processing"},
	"viapi":     {"视觉智能开放平台", "Vision Intelligence API"},
	"nls":       {"智能语音交互", "Intelligent Speech Interaction"},
	"imm":       {"智能媒体管理", "Intelligent Media Management"},
	"mts":       {"媒体处理", "ApsaraVideo Media Processing"},
	"vod":       {"视频点播", "ApsaraVideo VOD"},
	"live":      {"视频直播", "ApsaraVideo Live"},
	"rtc":       {"音视频通信 RTC", "ApsaraVideo Real-time Communication"},
	"ice":       {"智能媒体服务", "Intelligent Cloud Editing"},
}

// English reports whether lang (a BCP 47 tag or its primary subtag: "en", "en-US", "zh") asks
// for English; anything else is Chinese, the default.
func English(lang string) bool {
	return lang == "en" || strings.HasPrefix(lang, "en-")
}

// ProductName is the name of the product code in lang ("zh" or "en"), and false when the
// code is not in the table (the caller falls back to the bill's own name).
func ProductName(code, lang string) (string, bool) {
	p, ok := productNames[strings.ToLower(code)]
	if !ok {
		return "", false
	}
	if English(lang) {
		return p.en, true
	}
	return p.zh, true
}

// RegionName is the display name of region id in lang ("cn-hangzhou" → "华东1（杭州）" or
// "China (Hangzhou)"), and false when the id is not a known region.
func RegionName(id, lang string) (string, bool) {
	r, ok := regionByID[id]
	if !ok {
		return "", false
	}
	if English(lang) {
		return r.en, true
	}
	return r.zh, true
}

var regionByID = func() map[string]region {
	m := make(map[string]region, len(regions))
	for _, r := range regions {
		m[r.id] = r
	}
	return m
}()
