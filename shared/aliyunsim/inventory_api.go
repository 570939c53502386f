package aliyunsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/cloudlens/cloudlens/shared/resource"
)

// inventoryAPI is one inventory operation the simulator answers.
type inventoryAPI struct {
	Name     string // product.Action, e.g. "ecs.DescribeInstances"
	product  string
	version  string
	action   string
	handler  func(s *Server, a *simAccount, form url.Values, day int64) (any, *apiError)
	throttle apiError // the answer to a request over the limit
}

// API versions, as the SDK sends them.
const (
	ecsVersion     = "2014-05-26"
	vpcVersion     = "2016-04-28"
	slbVersion     = "2014-05-15"
	rdsVersion     = "2014-08-15"
	kvstoreVersion = "2015-01-01"
	cmsVersion     = "2019-01-01"
)

// DefaultAPILimits are the simulator's documented request rates per account (requests per
// second, burst of one second): CloudMonitor's 50 per API is Alibaba's documented figure; the
// others are conservative figures of the quota-centre defaults. Requests over the limit are
// answered with the product's throttling code and are not served.
var DefaultAPILimits = map[string]float64{
	"ecs.DescribeRegions":                          10,
	"ecs.DescribeInstances":                        50,
	"ecs.DescribeDisks":                            50,
	"ecs.DescribeSnapshots":                        50,
	"ecs.DescribePrice":                            20,
	"ecs.DescribeInstanceAutoRenewAttribute":       20,
	"rds.DescribeInstanceAutoRenewalAttribute":     20,
	"kvstore.DescribeInstanceAutoRenewalAttribute": 20,
	"vpc.DescribeEipAddresses":                     20,
	"vpc.DescribeNatGateways":                      20,
	"vpc.DescribeSnatTableEntries":                 20,
	"vpc.DescribeForwardTableEntries":              20,
	"slb.DescribeLoadBalancers":                    20,
	"slb.DescribeHealthStatus":                     20,
	"rds.DescribeDBInstances":                      20,
	"rds.ListTagResources":                         20,
	"kvstore.DescribeInstances":                    20,
	"cms.DescribeMetricList":                       50,
}

var inventoryAPIs = func() map[string]*inventoryAPI {
	throttleUser := apiError{http.StatusBadRequest, "Throttling.User", errorMessages["Throttling.User"]}
	throttle := apiError{http.StatusBadRequest, "Throttling", errorMessages["Throttling"]}
	cmsThrottle := apiError{http.StatusTooManyRequests, "Throttling.User", errorMessages["Throttling.User"]}
	list := []*inventoryAPI{
		{product: "ecs", version: ecsVersion, action: "DescribeRegions", handler: (*Server).describeRegions, throttle: throttleUser},
		{product: "ecs", version: ecsVersion, action: "DescribeInstances", handler: (*Server).describeECSInstances, throttle: throttleUser},
		{product: "ecs", version: ecsVersion, action: "DescribeDisks", handler: (*Server).describeDisks, throttle: throttleUser},
		{product: "ecs", version: ecsVersion, action: "DescribeSnapshots", handler: (*Server).describeSnapshots, throttle: throttleUser},
		{product: "ecs", version: ecsVersion, action: "DescribePrice", handler: (*Server).describePrice, throttle: throttleUser},
		{product: "vpc", version: vpcVersion, action: "DescribeEipAddresses", handler: (*Server).describeEIPs, throttle: throttle},
		{product: "vpc", version: vpcVersion, action: "DescribeNatGateways", handler: (*Server).describeNATs, throttle: throttle},
		{product: "vpc", version: vpcVersion, action: "DescribeSnatTableEntries", handler: (*Server).describeSnatEntries, throttle: throttle},
		{product: "vpc", version: vpcVersion, action: "DescribeForwardTableEntries", handler: (*Server).describeForwardEntries, throttle: throttle},
		{product: "slb", version: slbVersion, action: "DescribeLoadBalancers", handler: (*Server).describeLoadBalancers, throttle: throttleUser},
		{product: "slb", version: slbVersion, action: "DescribeHealthStatus", handler: (*Server).describeHealthStatus, throttle: throttleUser},
		{product: "rds", version: rdsVersion, action: "DescribeDBInstances", handler: (*Server).describeDBInstances, throttle: throttleUser},
		{product: "rds", version: rdsVersion, action: "ListTagResources", handler: (*Server).listRDSTags, throttle: throttleUser},
		{product: "kvstore", version: kvstoreVersion, action: "DescribeInstances", handler: (*Server).describeKVStoreInstances, throttle: throttleUser},
		{product: "ecs", version: ecsVersion, action: "DescribeInstanceAutoRenewAttribute", handler: (*Server).describeECSAutoRenew, throttle: throttleUser},
		{product: "rds", version: rdsVersion, action: "DescribeInstanceAutoRenewalAttribute", handler: (*Server).describeRDSAutoRenew, throttle: throttleUser},
		{product: "kvstore", version: kvstoreVersion, action: "DescribeInstanceAutoRenewalAttribute", handler: (*Server).describeKVStoreAutoRenew, throttle: throttleUser},
		{product: "cms", version: cmsVersion, action: "DescribeMetricList", handler: (*Server).describeMetricList, throttle: cmsThrottle},
	}
	m := make(map[string]*inventoryAPI, len(list))
	for _, api := range list {
		api.Name = api.product + "." + api.action
		m[api.version+"|"+api.action] = api
	}
	return m
}()

func inventoryAPIFor(version, action string) (*inventoryAPI, bool) {
	api, ok := inventoryAPIs[version+"|"+action]
	return api, ok
}

// inventoryServer is the state the inventory APIs add to a Server.
type inventoryServer struct {
	limits   map[string]float64 // nil: DefaultAPILimits
	unlimit  bool
	limiters map[string]*rate.Limiter
	// failRegions makes every call for a region of an account fail (uid|region → code).
	failRegions map[string]string
}

// SetAPILimits replaces the per-API request rates (see DefaultAPILimits); nil turns limits
// off altogether.
func (s *Server) SetAPILimits(limits map[string]float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inv.limits, s.inv.unlimit = limits, limits == nil
	s.inv.limiters = nil
}

// FailRegion makes every inventory and CloudMonitor call of account uid about region fail
// with code (HTTP 503), until cleared with an empty code: a region that is down.
func (s *Server) FailRegion(uid, region, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inv.failRegions == nil {
		s.inv.failRegions = map[string]string{}
	}
	if code == "" {
		delete(s.inv.failRegions, uid+"|"+region)
		return
	}
	s.inv.failRegions[uid+"|"+region] = code
}

func (s *Server) serveInventory(rw http.ResponseWriter, r *http.Request, reqID string, api *inventoryAPI) {
	s.mu.Lock()
	s.stats.Requests[api.Name]++
	s.mu.Unlock()
	a, e := s.authenticate(r)
	if e == nil {
		e = s.throttleInventory(r.Form.Get("AccessKeyId"), api)
	}
	if e == nil {
		s.mu.Lock()
		code := s.inv.failRegions[a.pub.UID+"|"+r.Form.Get("RegionId")]
		s.mu.Unlock()
		if code != "" {
			e = &apiError{http.StatusServiceUnavailable, code, "The request has failed due to a temporary failure of the server."}
		}
	}
	var out any
	if e == nil {
		out, e = api.handler(s, a, r.Form, dayNumber(s.opts.Now()))
	}
	if e != nil {
		s.writeError(rw, r, reqID, e)
		return
	}
	body, err := json.Marshal(out)
	if err != nil {
		s.writeError(rw, r, reqID, &apiError{http.StatusInternalServerError, "InternalError", err.Error()})
		return
	}
	// Every answer carries its RequestId first, as the services do.
	body = append([]byte(`{"RequestId":"`+reqID+`",`), body[1:]...)
	rw.Header().Set("Content-Type", "application/json;charset=utf-8")
	rw.Header().Set("x-acs-request-id", reqID)
	_, _ = rw.Write(body)
}

func (s *Server) throttleInventory(ak string, api *inventoryAPI) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inv.unlimit {
		return nil
	}
	limits := s.inv.limits
	if limits == nil {
		limits = DefaultAPILimits
	}
	qps := limits[api.Name]
	if qps <= 0 {
		return nil
	}
	if s.inv.limiters == nil {
		s.inv.limiters = map[string]*rate.Limiter{}
	}
	k := ak + "|" + api.Name
	l := s.inv.limiters[k]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(qps), max(1, int(qps)))
		s.inv.limiters[k] = l
	}
	if !l.Allow() {
		s.stats.Throttled++
		t := api.throttle
		return &t
	}
	return nil
}

// ---- request helpers ----

func missing(name string) *apiError {
	return &apiError{http.StatusBadRequest, "MissingParameter", fmt.Sprintf("The input parameter %q that is mandatory for processing this request is not supplied.", name)}
}

// regionOf validates RegionId.
func regionOf(form url.Values) (string, *apiError) {
	id := form.Get("RegionId")
	if id == "" {
		return "", missing("RegionId")
	}
	for _, r := range allRegions {
		if r.id == id {
			return id, nil
		}
	}
	return "", &apiError{http.StatusNotFound, "InvalidRegionId.NotFound", "The specified RegionId does not exist."}
}

// pageOf reads PageNumber and PageSize (defaults 1 and def, PageSize at most max).
func pageOf(form url.Values, def, maxSize int) (number, size int, e *apiError) {
	number, size = 1, def
	if v := form.Get("PageNumber"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, invalidParameter("The specified PageNumber %q is not valid.", v)
		}
		number = n
	}
	if v := form.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSize {
			return 0, 0, invalidParameter("The specified PageSize %q is not valid; it must be 1 to %d.", v, maxSize)
		}
		size = n
	}
	return number, size, nil
}

// regionPage reads RegionId, PageNumber and PageSize, as every page-numbered list of one
// region takes them (see pageOf).
func regionPage(form url.Values, def, maxSize int) (region string, number, size int, e *apiError) {
	if region, e = regionOf(form); e != nil {
		return "", 0, 0, e
	}
	number, size, e = pageOf(form, def, maxSize)
	return region, number, size, e
}

// window cuts items for page number/size.
func window[T any](items []T, number, size int) []T {
	start := (number - 1) * size
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+size, len(items))]
}

// tokenPage serves ECS-style paging: NextToken with MaxResults (at most 100), or, when
// neither is sent, PageNumber and PageSize (at most 100, default 10). The token is the index
// of the next item, opaque to clients.
func tokenPage[T any](form url.Values, items []T) (page []T, next string, number, size int, e *apiError) {
	if form.Get("NextToken") != "" || form.Get("MaxResults") != "" {
		size = 10
		if v := form.Get("MaxResults"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				return nil, "", 0, 0, invalidParameter("The specified MaxResults %q is not valid; it must be 1 to 100.", v)
			}
			size = n
		}
		start := 0
		if t := form.Get("NextToken"); t != "" {
			n, err := strconv.ParseInt(strings.TrimPrefix(t, "caeba0bbb2be03f84eb48b699f0a"), 16, 64)
			if err != nil || n < 0 || int(n) > len(items) || !strings.HasPrefix(t, "caeba0bbb2be03f84eb48b699f0a") {
				return nil, "", 0, 0, &apiError{http.StatusBadRequest, "InvalidNextToken.Malformed", "The specified NextToken is not valid."}
			}
			start = int(n)
		}
		end := min(start+size, len(items))
		if end < len(items) {
			next = "caeba0bbb2be03f84eb48b699f0a" + strconv.FormatInt(int64(end), 16)
		}
		return items[start:end], next, 0, size, nil
	}
	number, size, e = pageOf(form, 10, 100)
	if e != nil {
		return nil, "", 0, 0, e
	}
	return window(items, number, size), "", number, size, nil
}

// listed returns the resources of type t in region that exist on day, in a stable order.
func (w *World) listed(a *simAccount, t resource.Type, region string, day int64) []*invRes {
	var out []*invRes
	for _, r := range w.inventory(a.pub.UID).res {
		if r.typ == t && r.region == region && r.createdDay <= day && r.existsOn(day) {
			out = append(out, r)
		}
	}
	return out
}

// apiTime writes a time as the ECS family does: 2017-12-10T04:04Z (UTC, minutes).
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04Z") }

// apiTimeSeconds writes a time as RDS, Tair and VPC do: 2017-12-10T04:04:05Z.
func apiTimeSeconds(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// farExpiry is the ExpiredTime of pay-as-you-go resources, as ECS writes it.
const farExpiry = "2099-12-31T15:59Z"

type tagKV struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

type kv struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func tagKVs(tags []Tag) []tagKV {
	out := make([]tagKV, len(tags))
	for i, t := range tags {
		out[i] = tagKV{t.Key, t.Value}
	}
	return out
}

func kvs(tags []Tag) []kv {
	out := make([]kv, len(tags))
	for i, t := range tags {
		out[i] = kv(t)
	}
	return out
}

func (r *invRes) expiry() string {
	if r.charge == resource.PrePaid {
		return apiTime(r.expires)
	}
	return farExpiry
}

// ---- ECS ----

func (s *Server) describeRegions(a *simAccount, form url.Values, day int64) (any, *apiError) {
	type reg struct {
		RegionId       string `json:"RegionId"`
		LocalName      string `json:"LocalName"`
		RegionEndpoint string `json:"RegionEndpoint"`
		Status         string `json:"Status"`
	}
	out := make([]reg, len(allRegions))
	for i, r := range allRegions {
		out[i] = reg{r.id, r.name, "ecs." + r.id + ".aliyuncs.com", "available"}
	}
	return map[string]any{"Regions": map[string]any{"Region": out}}, nil
}

func (s *Server) describeECSInstances(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, e := regionOf(form)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.ECS, region, day)
	page, next, number, size, e := tokenPage(form, items)
	if e != nil {
		return nil, e
	}
	type eip struct {
		AllocationId       string `json:"AllocationId"`
		IpAddress          string `json:"IpAddress"`
		Bandwidth          int    `json:"Bandwidth"`
		InternetChargeType string `json:"InternetChargeType"`
	}
	out := make([]map[string]any, 0, len(page))
	eips := map[string]*invRes{}
	for _, r := range s.w.inventory(a.pub.UID).res {
		if r.typ == resource.EIP && r.attachType == "EcsInstance" && r.existsOn(day) {
			eips[r.attachedTo] = r
		}
	}
	for _, r := range page {
		status := r.apiStatus(day)
		m := map[string]any{
			"InstanceId": r.id, "InstanceName": r.name, "RegionId": r.region, "ZoneId": r.zone, "Status": status,
			"InstanceType": r.spec, "InstanceTypeFamily": "ecs.g7", "InstanceChargeType": string(r.charge),
			"InternetChargeType": r.netCharge, "InternetMaxBandwidthOut": r.bandwidth, "InternetMaxBandwidthIn": 100,
			"CreationTime": apiTime(r.created), "StartTime": apiTime(r.created), "ExpiredTime": r.expiry(),
			"AutoReleaseTime": "", "StoppedMode": "Not-applicable", "Cpu": cpuOf(r.spec), "Memory": cpuOf(r.spec) * 4096,
			"Tags":            map[string]any{"Tag": tagKVs(r.tags)},
			"PublicIpAddress": map[string]any{"IpAddress": []string{}},
			"EipAddress":      eip{},
		}
		if status == "Stopped" {
			m["StoppedMode"] = "KeepCharging"
		}
		if e := eips[r.id]; e != nil {
			m["EipAddress"] = eip{e.id, e.ip, e.bandwidth, e.netCharge}
		} else if r.ip != "" {
			m["PublicIpAddress"] = map[string]any{"IpAddress": []string{r.ip}}
		}
		out = append(out, m)
	}
	resp := map[string]any{"TotalCount": len(items), "NextToken": next, "Instances": map[string]any{"Instance": out}}
	if number > 0 {
		resp["PageNumber"], resp["PageSize"] = number, size
	}
	return resp, nil
}

func cpuOf(spec string) int {
	switch {
	case strings.HasSuffix(spec, ".4xlarge"):
		return 16
	case strings.HasSuffix(spec, ".2xlarge"):
		return 8
	case strings.HasSuffix(spec, ".xlarge"):
		return 4
	}
	return 2
}

func (s *Server) describeDisks(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, e := regionOf(form)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.Disk, region, day)
	page, next, number, size, e := tokenPage(form, items)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(page))
	for _, r := range page {
		pl := ""
		if parts := strings.Fields(r.spec); len(parts) == 3 {
			pl = parts[1]
		}
		m := map[string]any{
			"DiskId": r.id, "DiskName": r.name, "RegionId": r.region, "ZoneId": r.zone, "Status": r.apiStatus(day),
			"Type": "data", "Category": r.category, "PerformanceLevel": pl, "Size": r.sizeGB, "InstanceId": r.attachedTo,
			"DiskChargeType": string(r.charge), "CreationTime": apiTime(r.created), "ExpiredTime": r.expiry(),
			"AttachedTime": "", "DetachedTime": "", "Device": "", "Portable": true, "DeleteWithInstance": false,
			"SourceSnapshotId": "", "Tags": map[string]any{"Tag": tagKVs(r.tags)},
		}
		if r.attachedTo != "" {
			m["AttachedTime"], m["Device"] = apiTime(r.created), "/dev/xvdb"
		}
		out = append(out, m)
	}
	resp := map[string]any{"TotalCount": len(items), "NextToken": next, "Disks": map[string]any{"Disk": out}}
	if number > 0 {
		resp["PageNumber"], resp["PageSize"] = number, size
	}
	return resp, nil
}

func (s *Server) describeSnapshots(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, e := regionOf(form)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.Snapshot, region, day)
	page, next, number, size, e := tokenPage(form, items)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(page))
	for _, r := range page {
		out = append(out, map[string]any{
			"SnapshotId": r.id, "SnapshotName": r.name, "RegionId": r.region, "Status": "accomplished", "Progress": "100%",
			"SourceDiskId": r.sourceDisk, "SourceDiskSize": strconv.Itoa(r.sizeGB), "SourceDiskType": "data",
			"Category": "standard", "SnapshotType": "user", "Usage": "none", "RetentionDays": 0,
			"CreationTime": apiTime(r.created), "Tags": map[string]any{"Tag": tagKVs(r.tags)},
		})
	}
	resp := map[string]any{"TotalCount": len(items), "NextToken": next, "Snapshots": map[string]any{"Snapshot": out}}
	if number > 0 {
		resp["PageNumber"], resp["PageSize"] = number, size
	}
	return resp, nil
}

// describePrice quotes an instance type (ResourceType instance) or public bandwidth
// (ResourceType bandwidth, per Mbps) by the hour (PostPaid) or the month (PrePaid): the
// catalog's list price with the account's invoice discount, a month bought up front costing
// 30 days of pay-as-you-go at 70 %, as the bills do.
func (s *Server) describePrice(a *simAccount, form url.Values, day int64) (any, *apiError) {
	if _, e := regionOf(form); e != nil {
		return nil, e
	}
	var hourly int64 // list price of an hour, CNY micro-units
	switch rt := form.Get("ResourceType"); rt {
	case "", "instance":
		spec := form.Get("InstanceType")
		if spec == "" {
			return nil, missing("InstanceType")
		}
		// The g7 family: the catalog's sizes bill 1, 2, 4 and 8 times the large; the sizes
		// between follow the vCPU count.
		mult := map[string]int64{"ecs.g7.large": 1, "ecs.g7.xlarge": 2, "ecs.g7.2xlarge": 4, "ecs.g7.3xlarge": 6,
			"ecs.g7.4xlarge": 8, "ecs.g7.6xlarge": 12, "ecs.g7.8xlarge": 16}[spec]
		if mult == 0 {
			return nil, &apiError{http.StatusNotFound, "InvalidInstanceType.NotFound", "The specified InstanceType does not exist."}
		}
		hourly = catalog[0].items[0].priceMicros * mult
	case "bandwidth":
		hourly = 63_000 // one Mbps
	default:
		return nil, invalidParameter("The specified ResourceType %q is not valid.", rt)
	}
	unit := form.Get("PriceUnit")
	period := 1
	if v := form.Get("Period"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, invalidParameter("The specified Period %q is not valid.", v)
		}
		period = n
	}
	currency := "CNY"
	if a.intl {
		hourly = hourly * usdPer10kCNY / 10_000
		currency = "USD"
	}
	var original int64
	switch unit {
	case "", "Hour":
		if form.Get("PriceUnit") == "" && form.Get("Period") != "" {
			return nil, invalidParameter("The specified PriceUnit is required with Period.")
		}
		original = hourly * int64(period)
	case "Month":
		original = hourly * 24 * 30 * 7 / 10 * int64(period)
	case "Year":
		original = hourly * 24 * 365 * 6 / 10 * int64(period)
	default:
		return nil, invalidParameter("The specified PriceUnit %q is not valid.", unit)
	}
	discount := original * a.invoice10k[0] / 10_000
	price := func(m int64) json.Number { return json.Number(strconv.FormatFloat(float64(m)/1e6, 'f', -1, 64)) }
	return map[string]any{"PriceInfo": map[string]any{
		"Price": map[string]any{"OriginalPrice": price(original), "DiscountPrice": price(discount), "TradePrice": price(original - discount),
			"Currency": currency},
		"Rules": map[string]any{"Rule": []any{}},
	}}, nil
}

// ---- VPC ----

func (s *Server) describeEIPs(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, number, size, e := regionPage(form, 10, 100)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.EIP, region, day)
	out := []map[string]any{}
	for _, r := range window(items, number, size) {
		out = append(out, map[string]any{
			"AllocationId": r.id, "IpAddress": r.ip, "Name": r.name, "RegionId": r.region, "Status": r.apiStatus(day),
			"InstanceId": r.attachedTo, "InstanceType": r.attachType, "InstanceRegionId": r.region,
			"Bandwidth": strconv.Itoa(r.bandwidth), "InternetChargeType": r.netCharge, "ChargeType": "PostPaid",
			"AllocationTime": apiTimeSeconds(r.created), "ExpiredTime": "", "ISP": "BGP",
			"Tags": map[string]any{"Tag": kvs(r.tags)},
		})
	}
	return map[string]any{"TotalCount": len(items), "PageNumber": number, "PageSize": size,
		"EipAddresses": map[string]any{"EipAddress": out}}, nil
}

func natTable(prefix string, r *invRes) string { return prefix + strings.TrimPrefix(r.id, "ngw-") }

func (s *Server) describeNATs(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, number, size, e := regionPage(form, 10, 50)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.NAT, region, day)
	out := []map[string]any{}
	for _, r := range window(items, number, size) {
		out = append(out, map[string]any{
			"NatGatewayId": r.id, "Name": r.name, "RegionId": r.region, "Status": "Available", "Spec": r.spec,
			"NatType": "Enhanced", "NetworkType": "internet", "InstanceChargeType": string(r.charge), "InternetChargeType": "PayByLcu",
			"CreationTime": apiTimeSeconds(r.created), "ExpiredTime": "",
			"SnatTableIds":    map[string]any{"SnatTableId": []string{natTable("stb-", r)}},
			"ForwardTableIds": map[string]any{"ForwardTableId": []string{natTable("ftb-", r)}},
			"Tags":            map[string]any{"Tag": kvs(r.tags)},
		})
	}
	return map[string]any{"TotalCount": len(items), "PageNumber": number, "PageSize": size,
		"NatGateways": map[string]any{"NatGateway": out}}, nil
}

// natByTable finds the NAT gateway of a SNAT or forward table id.
func (s *Server) natByTable(a *simAccount, region, table, prefix string) *invRes {
	for _, r := range s.w.inventory(a.pub.UID).res {
		if r.typ == resource.NAT && r.region == region && natTable(prefix, r) == table {
			return r
		}
	}
	return nil
}

func (s *Server) describeSnatEntries(a *simAccount, form url.Values, day int64) (any, *apiError) {
	return s.natEntries(a, form, day, "SnatTableId", "stb-")
}

func (s *Server) describeForwardEntries(a *simAccount, form url.Values, day int64) (any, *apiError) {
	return s.natEntries(a, form, day, "ForwardTableId", "ftb-")
}

func (s *Server) natEntries(a *simAccount, form url.Values, day int64, param, prefix string) (any, *apiError) {
	region, number, size, e := regionPage(form, 10, 50)
	if e != nil {
		return nil, e
	}
	table := form.Get(param)
	if table == "" {
		return nil, missing(param)
	}
	r := s.natByTable(a, region, table, prefix)
	if r == nil || !r.existsOn(day) {
		return nil, &apiError{http.StatusNotFound, "InvalidTableId.NotFound", "The specified table does not exist."}
	}
	n := r.snat
	if prefix == "ftb-" {
		n = r.dnat
	}
	all := make([]map[string]any, n)
	for i := range all {
		id := strconv.Itoa(i + 1)
		if prefix == "stb-" {
			all[i] = map[string]any{"SnatEntryId": "snat-" + id, "SnatTableId": table, "NatGatewayId": r.id, "Status": "Available",
				"SourceCIDR": "192.168." + id + ".0/24", "SnatIp": r.ip}
		} else {
			all[i] = map[string]any{"ForwardEntryId": "fwd-" + id, "ForwardTableId": table, "NatGatewayId": r.id, "Status": "Available",
				"ExternalPort": strconv.Itoa(8000 + i), "InternalPort": "80", "IpProtocol": "TCP", "InternalIp": "172.16.0." + id}
		}
	}
	key, inner := "SnatTableEntries", "SnatTableEntry"
	if prefix == "ftb-" {
		key, inner = "ForwardTableEntries", "ForwardTableEntry"
	}
	return map[string]any{"TotalCount": n, "PageNumber": number, "PageSize": size, key: map[string]any{inner: window(all, number, size)}}, nil
}

// ---- SLB ----

func (s *Server) describeLoadBalancers(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, number, size, e := regionPage(form, 50, 100)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.SLB, region, day)
	out := []map[string]any{}
	for _, r := range window(items, number, size) {
		pay := "PayOnDemand"
		if r.charge == resource.PrePaid {
			pay = "PrePay"
		}
		out = append(out, map[string]any{
			"LoadBalancerId": r.id, "LoadBalancerName": r.name, "RegionId": r.region, "MasterZoneId": r.zone,
			"LoadBalancerStatus": "active", "Address": r.ip, "AddressType": "internet", "PayType": pay,
			"InstanceChargeType": "PayByCLCU", "InternetChargeType": "paybytraffic", "Bandwidth": r.bandwidth,
			"CreateTime": apiTime(r.created), "CreateTimeStamp": r.created.UnixMilli(),
			"Tags": map[string]any{"Tag": tagKVs(r.tags)},
		})
	}
	return map[string]any{"TotalCount": len(items), "PageNumber": number, "PageSize": size,
		"LoadBalancers": map[string]any{"LoadBalancer": out}}, nil
}

func (s *Server) describeHealthStatus(a *simAccount, form url.Values, day int64) (any, *apiError) {
	id := form.Get("LoadBalancerId")
	if id == "" {
		return nil, missing("LoadBalancerId")
	}
	r := s.w.inventory(a.pub.UID).byID[id]
	if r == nil || r.typ != resource.SLB || !r.existsOn(day) || r.createdDay > day {
		return nil, &apiError{http.StatusNotFound, "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist."}
	}
	out := make([]map[string]any, len(r.backends))
	for i, b := range r.backends {
		out[i] = map[string]any{"ServerId": b.ServerID, "Port": b.Port, "ListenerPort": b.Listener, "Protocol": "http",
			"ServerHealthStatus": b.Health, "Weight": strconv.Itoa(b.Weight), "Type": "ecs"}
	}
	return map[string]any{"BackendServers": map[string]any{"BackendServer": out}}, nil
}

// ---- RDS ----

func (s *Server) describeDBInstances(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, number, size, e := regionPage(form, 30, 100)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.RDS, region, day)
	page := window(items, number, size)
	out := []map[string]any{}
	for _, r := range page {
		pay := "Postpaid"
		expire := ""
		if r.charge == resource.PrePaid {
			pay, expire = "Prepaid", apiTimeSeconds(r.expires)
		}
		out = append(out, map[string]any{
			"DBInstanceId": r.id, "DBInstanceDescription": r.name, "RegionId": r.region, "ZoneId": r.zone,
			"DBInstanceStatus": "Running", "DBInstanceClass": r.spec, "Engine": "MySQL", "EngineVersion": "8.0",
			"DBInstanceType": "Primary", "PayType": pay, "LockMode": "Unlock", "DBInstanceStorageType": "cloud_essd",
			"CreateTime": apiTimeSeconds(r.created), "ExpireTime": expire,
		})
	}
	return map[string]any{"TotalRecordCount": len(items), "PageNumber": number, "PageRecordCount": len(page),
		"Items": map[string]any{"DBInstance": out}}, nil
}

// listRDSTags answers ListTagResources for RDS instances: ResourceId.N (at most 50),
// paged by NextToken, 50 tags a page.
func (s *Server) listRDSTags(a *simAccount, form url.Values, day int64) (any, *apiError) {
	if _, e := regionOf(form); e != nil {
		return nil, e
	}
	if rt := form.Get("ResourceType"); rt != "INSTANCE" {
		return nil, invalidParameter("The specified ResourceType %q is not valid.", rt)
	}
	var ids []string
	for i := 1; ; i++ {
		v := form.Get("ResourceId." + strconv.Itoa(i))
		if v == "" {
			break
		}
		ids = append(ids, v)
	}
	if len(ids) == 0 {
		return nil, missing("ResourceId.1")
	}
	if len(ids) > 50 {
		return nil, invalidParameter("At most 50 ResourceId may be given.")
	}
	type tr struct {
		ResourceId   string `json:"ResourceId"`
		ResourceType string `json:"ResourceType"`
		TagKey       string `json:"TagKey"`
		TagValue     string `json:"TagValue"`
	}
	var all []tr
	inv := s.w.inventory(a.pub.UID)
	for _, id := range ids {
		if r := inv.byID[id]; r != nil && r.typ == resource.RDS {
			for _, t := range r.tags {
				all = append(all, tr{id, "ALIYUN::RDS::INSTANCE", t.Key, t.Value})
			}
		}
	}
	start := 0
	if t := form.Get("NextToken"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(all) {
			return nil, invalidParameter("The specified NextToken is not valid.")
		}
		start = n
	}
	end := min(start+50, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return map[string]any{"NextToken": next, "TagResources": map[string]any{"TagResource": all[start:end]}}, nil
}

// ---- Tair (R-KVStore) ----

func (s *Server) describeKVStoreInstances(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, number, size, e := regionPage(form, 30, 50)
	if e != nil {
		return nil, e
	}
	items := s.w.listed(a, resource.Redis, region, day)
	out := []map[string]any{}
	for _, r := range window(items, number, size) {
		end := ""
		if r.charge == resource.PrePaid {
			end = apiTimeSeconds(r.expires)
		}
		out = append(out, map[string]any{
			"InstanceId": r.id, "InstanceName": r.name, "RegionId": r.region, "ZoneId": r.zone, "InstanceStatus": "Normal",
			"InstanceClass": r.spec, "InstanceType": "Redis", "EngineVersion": "7.0", "ArchitectureType": "standard",
			"ChargeType": string(r.charge), "CreateTime": apiTimeSeconds(r.created), "EndTime": end,
			"Capacity": 1024, "Bandwidth": 96, "Connections": 10000, "QPS": 100000,
			"Tags": map[string]any{"Tag": kvs(r.tags)},
		})
	}
	return map[string]any{"TotalCount": len(items), "PageNumber": number, "PageSize": size,
		"Instances": map[string]any{"KVStoreInstance": out}}, nil
}

// ---- auto-renewal ----

// describeECSAutoRenew answers DescribeInstanceAutoRenewAttribute: InstanceId is a
// comma-separated list of at most 100 subscription instances of the region. A pay-as-you-go
// instance is an error, as documented (the documentation names no code: the one here is the
// simulator's).
func (s *Server) describeECSAutoRenew(a *simAccount, form url.Values, day int64) (any, *apiError) {
	region, number, size, e := regionPage(form, 10, 100)
	if e != nil {
		return nil, e
	}
	raw := form.Get("InstanceId")
	if raw == "" {
		return nil, missing("InstanceId")
	}
	ids := strings.Split(raw, ",")
	if len(ids) > 100 {
		return nil, invalidParameter("At most 100 InstanceId may be given.")
	}
	inv := s.w.inventory(a.pub.UID)
	var all []map[string]any
	for _, id := range ids {
		r := inv.byID[strings.TrimSpace(id)]
		if r == nil || r.typ != resource.ECS || r.region != region || !r.existsOn(day) {
			continue
		}
		if r.charge != resource.PrePaid {
			return nil, &apiError{http.StatusBadRequest, "InvalidInstanceChargeType.NotSupported",
				fmt.Sprintf("The instance %s is not a subscription instance.", r.id)}
		}
		status := "Normal"
		if r.autoRenew {
			status = "AutoRenewal"
		}
		all = append(all, map[string]any{"InstanceId": r.id, "AutoRenewEnabled": r.autoRenew, "RenewalStatus": status,
			"Duration": 1, "PeriodUnit": "Month"})
	}
	return map[string]any{"TotalCount": len(all), "PageNumber": number, "PageSize": size,
		"InstanceRenewAttributes": map[string]any{"InstanceRenewAttribute": window(all, number, size)}}, nil
}

func (s *Server) describeRDSAutoRenew(a *simAccount, form url.Values, day int64) (any, *apiError) {
	return s.dbAutoRenew(a, form, day, resource.RDS, "True", "False")
}

func (s *Server) describeKVStoreAutoRenew(a *simAccount, form url.Values, day int64) (any, *apiError) {
	return s.dbAutoRenew(a, form, day, resource.Redis, "true", "false")
}

// dbAutoRenew answers DescribeInstanceAutoRenewalAttribute of RDS (AutoRenew "True"/"False")
// and Tair ("true"/"false"): the subscriptions of the region, or the one DBInstanceId names,
// paged by number (default 30).
func (s *Server) dbAutoRenew(a *simAccount, form url.Values, day int64, t resource.Type, yes, no string) (any, *apiError) {
	region, number, size, e := regionPage(form, 30, 100)
	if e != nil {
		return nil, e
	}
	one := form.Get("DBInstanceId")
	var all []map[string]any
	for _, r := range s.w.listed(a, t, region, day) {
		if r.charge != resource.PrePaid || one != "" && r.id != one {
			continue
		}
		renew := no
		if r.autoRenew {
			renew = yes
		}
		all = append(all, map[string]any{"DBInstanceId": r.id, "RegionId": r.region, "Duration": 1, "AutoRenew": renew})
	}
	page := window(all, number, size)
	return map[string]any{"TotalRecordCount": len(all), "PageNumber": number, "PageRecordCount": len(page),
		"Items": map[string]any{"Item": page}}, nil
}
