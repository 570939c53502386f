package aliyun

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/cms"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	rkvstore "github.com/aliyun/alibaba-cloud-sdk-go/services/r-kvstore"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/rds"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/slb"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
	"golang.org/x/time/rate"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
)

// InventoryLimits are the request rates (per second, per account) the inventory paces each
// API at: CloudMonitor's 50 is Alibaba's documented limit; the others stay under the
// quota-centre defaults of each product. A call over the limit is throttled by the service and
// retried with backoff, so pacing below it only saves retries.
var InventoryLimits = map[string]float64{
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

// Inventory reads the resources of one account, region by region, and their CloudMonitor
// metrics. It is safe for concurrent use; it counts its calls per API.
type Inventory struct {
	f    *Factory
	base *client
	// PageSize, when set, asks for pages this small instead of the largest each API allows
	// (tests use it to read many pages from a small world).
	PageSize int
	// Limits, when set before the first call, replace InventoryLimits for this client.
	Limits map[string]float64

	mu        sync.Mutex
	limiters  map[string]*rate.Limiter
	calls     map[string]int
	throttled int
}

// Inventory returns the inventory client of an account on site.
func (f *Factory) Inventory(site string, c Credentials) (*Inventory, error) {
	cl, err := f.newClient(site, c)
	if err != nil {
		return nil, err
	}
	return &Inventory{f: f, base: cl, limiters: map[string]*rate.Limiter{}, calls: map[string]int{}}, nil
}

// Calls returns how many calls each API took so far (retries included) and how many of them
// were throttled.
func (inv *Inventory) Calls() (map[string]int, int) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	out := make(map[string]int, len(inv.calls))
	for k, v := range inv.calls {
		out[k] = v
	}
	return out, inv.throttled
}

// page is the page size to ask for from an API that allows at most maxSize.
func (inv *Inventory) page(maxSize int) requests.Integer {
	if inv.PageSize > 0 && inv.PageSize < maxSize {
		return requests.NewInteger(inv.PageSize)
	}
	return requests.NewInteger(maxSize)
}

// productEndpoint is the real endpoint of product in region.
func productEndpoint(product, region string) string {
	switch product {
	case "rds":
		return "rds.aliyuncs.com"
	case "kvstore":
		return "r-kvstore.aliyuncs.com"
	case "cms":
		return "metrics." + region + ".aliyuncs.com"
	}
	return product + "." + region + ".aliyuncs.com"
}

// do sends req, an action of product, to region's endpoint, paced by the API's limiter.
func (inv *Inventory) do(ctx context.Context, product, region string, req requests.AcsRequest) ([]byte, error) {
	api := product + "." + req.GetActionName()
	inv.mu.Lock()
	l := inv.limiters[api]
	if l == nil {
		limits := inv.Limits
		if limits == nil {
			limits = InventoryLimits
		}
		qps := limits[api]
		if qps <= 0 {
			qps = 10
		}
		l = rate.NewLimiter(rate.Limit(qps), 1)
		inv.limiters[api] = l
	}
	inv.mu.Unlock()
	c := *inv.base
	c.limiter = l
	c.region = region
	c.endpoint, c.scheme = inv.f.endpoint(productEndpoint(product, region), inv.f.o.Endpoint)
	c.observe = func(throttled bool) {
		inv.mu.Lock()
		inv.calls[api]++
		if throttled {
			inv.throttled++
		}
		inv.mu.Unlock()
	}
	if rr, ok := req.(interface{ GetQueryParams() map[string]string }); ok {
		rr.GetQueryParams()["RegionId"] = region
	}
	return c.call(ctx, req)
}

func decode(action string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return badResponse(action, err)
	}
	return nil
}

// ---- time and tags ----

// parseAPITime reads the times the services write: 2017-12-10T04:04Z, with seconds, or
// "2017-12-10 04:04:05" (taken as UTC). Empty or unreadable is the zero time.
func parseAPITime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04Z", time.RFC3339, "2006-01-02T15:04:05Z", time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// expiry is the end of a subscription; pay-as-you-go resources have none (ECS writes 2099).
func expiry(charge resource.ChargeType, s string) *time.Time {
	t := parseAPITime(s)
	if charge != resource.PrePaid || t.IsZero() || t.Year() >= 2099 {
		return nil
	}
	return &t
}

func chargeOf(s string) resource.ChargeType {
	switch strings.ToLower(s) {
	case "prepaid", "prepay", "subscription":
		return resource.PrePaid
	}
	return resource.PostPaid
}

type tagPair struct {
	Key, Value, TagKey, TagValue string
}

func tagMap(tags []tagPair) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v := t.Key, t.Value
		if k == "" {
			k, v = t.TagKey, t.TagValue
		}
		if k != "" {
			out[k] = v
		}
	}
	return out
}

// ---- regions ----

// Regions lists the regions of the account (ECS DescribeRegions), in the service's order.
func (inv *Inventory) Regions(ctx context.Context) ([]string, error) {
	req := ecs.CreateDescribeRegionsRequest()
	body, err := inv.do(ctx, "ecs", inv.base.region, req)
	if err != nil {
		return nil, err
	}
	var resp ecs.DescribeRegionsResponse
	if err := decode("DescribeRegions", body, &resp); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(resp.Regions.Region))
	for _, r := range resp.Regions.Region {
		out = append(out, r.RegionId)
	}
	return out, nil
}

// ---- ECS ----

// paging says how a list API pages.
type paging int

const (
	// byToken: NextToken until the service sends none (the ECS family, CloudMonitor, tags).
	byToken paging = iota
	// byNumber: PageNumber 1, 2, … until every item of the total was read.
	byNumber
)

// pageAt is where a list read stands: the NextToken to send, or the page number (from 1).
type pageAt struct {
	token  string
	number int
}

// pageEnd is what one page says about the rest: the NextToken it sent (byToken), or how many
// items it held and how many there are in all (byNumber).
type pageEnd struct {
	next       string
	got, total int
}

// listAll reads every page of one list API of product in region. build makes the request of a
// page (its own parameters, and the paging ones from at); keep takes the decoded answer, keeps
// its items and says where the page ends. A token the service sent before is refused (a
// service that loops would otherwise be read for ever), as is paging that does not end.
func listAll[R any](ctx context.Context, inv *Inventory, product, region string, how paging,
	build func(at pageAt) requests.AcsRequest, keep func(resp *R) (pageEnd, error)) error {
	seen := map[string]bool{}
	at := pageAt{number: 1}
	read := 0
	for {
		req := build(at)
		action := req.GetActionName()
		body, err := inv.do(ctx, product, region, req)
		if err != nil {
			return err
		}
		var resp R
		if err := decode(action, body, &resp); err != nil {
			return err
		}
		end, err := keep(&resp)
		if err != nil {
			return err
		}
		switch how {
		case byToken:
			if end.next == "" {
				return nil
			}
			if seen[end.next] {
				return errs.E(errs.KindUnavailable, "alibaba cloud %s: NextToken %q came back a second time", action, errs.Clip(end.next, 40))
			}
			seen[end.next] = true
			at.token = end.next
		case byNumber:
			read += end.got
			if end.got == 0 || read >= end.total {
				return nil
			}
			if at.number > 100_000 {
				return errs.E(errs.KindUnavailable, "alibaba cloud %s: paging does not end", action)
			}
			at.number++
		}
		if err := ctx.Err(); err != nil {
			return ctxError(action, err)
		}
	}
}

// ECSInstances lists the instances of region.
func (inv *Inventory) ECSInstances(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		NextToken string
		Instances struct {
			Instance []struct {
				ecs.Instance
				Tags struct{ Tag []tagPair }
			}
		}
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "ecs", region, byToken, func(at pageAt) requests.AcsRequest {
		req := ecs.CreateDescribeInstancesRequest()
		req.MaxResults, req.NextToken = inv.page(100), at.token
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.Instances.Instance {
			charge := chargeOf(x.InstanceChargeType)
			r := resource.Resource{AccountID: accountID, ResourceID: x.InstanceId, Type: resource.ECS, Region: x.RegionId,
				Zone: x.ZoneId, Name: x.InstanceName, Status: x.Status, ChargeType: charge, Tags: tagMap(x.Tags.Tag),
				Spec: x.InstanceType, CreatedAt: parseAPITime(x.CreationTime), ExpiresAt: expiry(charge, x.ExpiredTime),
				BandwidthMbps: x.InternetMaxBandwidthOut, InternetChargeType: x.InternetChargeType,
				Attrs: map[string]any{"cpu": x.Cpu, "memoryMiB": x.Memory}}
			if x.StoppedMode != "" && x.StoppedMode != "Not-applicable" {
				r.Attrs["stoppedMode"] = x.StoppedMode
			}
			if x.EipAddress.AllocationId != "" {
				r.Attrs["eip"] = x.EipAddress.AllocationId
			}
			out = append(out, r)
		}
		return pageEnd{next: resp.NextToken}, nil
	})
	return out, err
}

// Disks lists the cloud disks of region.
func (inv *Inventory) Disks(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		NextToken string
		Disks     struct {
			Disk []struct {
				ecs.Disk
				Tags struct{ Tag []tagPair }
			}
		}
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "ecs", region, byToken, func(at pageAt) requests.AcsRequest {
		req := ecs.CreateDescribeDisksRequest()
		req.MaxResults, req.NextToken = inv.page(100), at.token
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.Disks.Disk {
			charge := chargeOf(x.DiskChargeType)
			r := resource.Resource{AccountID: accountID, ResourceID: x.DiskId, Type: resource.Disk, Region: x.RegionId,
				Zone: x.ZoneId, Name: x.DiskName, Status: x.Status, ChargeType: charge, Tags: tagMap(x.Tags.Tag),
				Spec: strings.TrimSpace(x.Category + " " + x.PerformanceLevel), CreatedAt: parseAPITime(x.CreationTime),
				ExpiresAt: expiry(charge, x.ExpiredTime), SizeGB: x.Size, SourceID: x.SourceSnapshotId,
				Attrs: map[string]any{"diskType": x.Type, "category": x.Category}}
			if x.InstanceId != "" {
				r.AttachedTo, r.AttachedType = x.InstanceId, resource.ECS
			}
			// An unattached disk has been so since it was detached, or since it was made.
			if x.Status == resource.StatusAvailable {
				if t := parseAPITime(x.DetachedTime); !t.IsZero() {
					r.StatusSince = t
				}
			}
			out = append(out, r)
		}
		return pageEnd{next: resp.NextToken}, nil
	})
	return out, err
}

// Snapshots lists the disk snapshots of region.
func (inv *Inventory) Snapshots(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		NextToken string
		Snapshots struct {
			Snapshot []struct {
				ecs.Snapshot
				Tags struct{ Tag []tagPair }
			}
		}
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "ecs", region, byToken, func(at pageAt) requests.AcsRequest {
		req := ecs.CreateDescribeSnapshotsRequest()
		req.MaxResults, req.NextToken = inv.page(100), at.token
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.Snapshots.Snapshot {
			size, _ := strconv.Atoi(x.SourceDiskSize)
			out = append(out, resource.Resource{AccountID: accountID, ResourceID: x.SnapshotId, Type: resource.Snapshot,
				Region: x.RegionId, Name: x.SnapshotName, Status: resource.StatusAvailable, ChargeType: resource.PostPaid,
				Tags: tagMap(x.Tags.Tag), CreatedAt: parseAPITime(x.CreationTime), SourceID: x.SourceDiskId, SizeGB: size,
				Attrs: map[string]any{"apiStatus": x.Status, "sourceDiskType": x.SourceDiskType, "retentionDays": x.RetentionDays}})
		}
		return pageEnd{next: resp.NextToken}, nil
	})
	return out, err
}

// Price asks ECS DescribePrice for an instance type (or, with spec "bandwidth", one Mbps of
// fixed public bandwidth) in region: by the hour for PostPaid, by the month for PrePaid.
func (inv *Inventory) Price(ctx context.Context, accountID int64, region, spec string, charge resource.ChargeType) (resource.Price, error) {
	req := ecs.CreateDescribePriceRequest()
	if spec == PriceBandwidth {
		req.ResourceType = "bandwidth"
		req.InternetMaxBandwidthOut = requests.NewInteger(1)
	} else {
		req.ResourceType = "instance"
		req.InstanceType = spec
	}
	unit := resource.PerHour
	if charge == resource.PrePaid {
		unit = resource.PerMonth
		req.PriceUnit = "Month"
		req.Period = requests.NewInteger(1)
	}
	body, err := inv.do(ctx, "ecs", region, req)
	if err != nil {
		return resource.Price{}, err
	}
	var resp struct {
		PriceInfo struct {
			Price struct {
				OriginalPrice, DiscountPrice, TradePrice json.Number
				Currency                                 string
			}
		}
	}
	if err := decode("DescribePrice", body, &resp); err != nil {
		return resource.Price{}, err
	}
	p := resource.Price{AccountID: accountID, Type: resource.ECS, Region: region, Spec: spec, ChargeType: charge, Unit: unit,
		Currency: resp.PriceInfo.Price.Currency}
	for _, f := range []struct {
		dst *money.Micros
		v   json.Number
	}{{&p.Original, resp.PriceInfo.Price.OriginalPrice}, {&p.Discount, resp.PriceInfo.Price.DiscountPrice}, {&p.Trade, resp.PriceInfo.Price.TradePrice}} {
		if f.v == "" {
			continue
		}
		m, _, err := money.ParseRounded(string(f.v))
		if err != nil {
			return resource.Price{}, badResponse("DescribePrice", err)
		}
		*f.dst = m
	}
	return p, nil
}

// PriceBandwidth is the spec Price quotes one Mbps of fixed public bandwidth under.
const PriceBandwidth = "bandwidth"

// ---- VPC ----

// EIPs lists the elastic IP addresses of region.
func (inv *Inventory) EIPs(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		TotalCount   int
		EipAddresses struct {
			EipAddress []struct {
				vpc.EipAddress
				Tags struct{ Tag []tagPair }
			}
		}
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "vpc", region, byNumber, func(at pageAt) requests.AcsRequest {
		req := vpc.CreateDescribeEipAddressesRequest()
		req.PageNumber, req.PageSize = requests.NewInteger(at.number), inv.page(100)
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.EipAddresses.EipAddress {
			charge := chargeOf(x.ChargeType)
			bw, _ := strconv.Atoi(x.Bandwidth)
			r := resource.Resource{AccountID: accountID, ResourceID: x.AllocationId, Type: resource.EIP, Region: x.RegionId,
				Name: x.Name, Status: eipStatus(x.Status), ChargeType: charge, Tags: tagMap(x.Tags.Tag),
				CreatedAt: parseAPITime(x.AllocationTime), ExpiresAt: expiry(charge, x.ExpiredTime), BandwidthMbps: bw,
				InternetChargeType: x.InternetChargeType, Attrs: map[string]any{"ipAddress": x.IpAddress, "apiStatus": x.Status}}
			if x.InstanceId != "" {
				r.AttachedTo = x.InstanceId
				r.AttachedType = map[string]resource.Type{"EcsInstance": resource.ECS, "SlbInstance": resource.SLB, "Nat": resource.NAT}[x.InstanceType]
				r.Attrs["instanceType"] = x.InstanceType
			}
			out = append(out, r)
		}
		return pageEnd{got: len(resp.EipAddresses.EipAddress), total: resp.TotalCount}, nil
	})
	return out, err
}

// eipStatus spells a bound EIP as a disk in use is spelt, so that one status means one thing.
func eipStatus(s string) string {
	if s == "InUse" {
		return resource.StatusInUse
	}
	return s
}

// NATGateways lists the NAT gateways of region with the count of their SNAT and DNAT entries
// (every page of both tables).
func (inv *Inventory) NATGateways(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type nat struct {
		vpc.NatGateway
		Tags struct{ Tag []tagPair }
	}
	type page struct {
		TotalCount  int
		NatGateways struct{ NatGateway []nat }
	}
	var nats []nat
	err := listAll(ctx, inv, "vpc", region, byNumber, func(at pageAt) requests.AcsRequest {
		req := vpc.CreateDescribeNatGatewaysRequest()
		req.PageNumber, req.PageSize = requests.NewInteger(at.number), inv.page(50)
		return req
	}, func(resp *page) (pageEnd, error) {
		nats = append(nats, resp.NatGateways.NatGateway...)
		return pageEnd{got: len(resp.NatGateways.NatGateway), total: resp.TotalCount}, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]resource.Resource, 0, len(nats))
	for _, x := range nats {
		charge := chargeOf(x.InstanceChargeType)
		r := resource.Resource{AccountID: accountID, ResourceID: x.NatGatewayId, Type: resource.NAT, Region: x.RegionId,
			Name: x.Name, Status: natStatus(x.Status), ChargeType: charge, Tags: tagMap(x.Tags.Tag), Spec: x.Spec,
			CreatedAt: parseAPITime(x.CreationTime), ExpiresAt: expiry(charge, x.ExpiredTime),
			InternetChargeType: x.InternetChargeType, Attrs: map[string]any{"natType": x.NatType, "apiStatus": x.Status}}
		for _, t := range x.SnatTableIds.SnatTableId {
			n, err := inv.natEntries(ctx, region, t, true)
			if err != nil {
				return nil, err
			}
			r.SNATEntries += n
		}
		for _, t := range x.ForwardTableIds.ForwardTableId {
			n, err := inv.natEntries(ctx, region, t, false)
			if err != nil {
				return nil, err
			}
			r.DNATEntries += n
		}
		out = append(out, r)
	}
	return out, nil
}

// natStatus: a NAT gateway that works says Available, which for disks and EIPs means unused.
func natStatus(s string) string {
	if s == "Available" {
		return resource.StatusRunning
	}
	return s
}

func (inv *Inventory) natEntries(ctx context.Context, region, table string, snat bool) (int, error) {
	type page struct {
		TotalCount          int
		SnatTableEntries    struct{ SnatTableEntry []json.RawMessage }
		ForwardTableEntries struct{ ForwardTableEntry []json.RawMessage }
	}
	count := 0
	err := listAll(ctx, inv, "vpc", region, byNumber, func(at pageAt) requests.AcsRequest {
		if snat {
			r := vpc.CreateDescribeSnatTableEntriesRequest()
			r.SnatTableId, r.PageNumber, r.PageSize = table, requests.NewInteger(at.number), inv.page(50)
			return r
		}
		r := vpc.CreateDescribeForwardTableEntriesRequest()
		r.ForwardTableId, r.PageNumber, r.PageSize = table, requests.NewInteger(at.number), inv.page(50)
		return r
	}, func(resp *page) (pageEnd, error) {
		got := len(resp.SnatTableEntries.SnatTableEntry) + len(resp.ForwardTableEntries.ForwardTableEntry)
		count += got
		return pageEnd{got: got, total: resp.TotalCount}, nil
	})
	return count, err
}

// ---- SLB ----

// LoadBalancers lists the classic load balancers of region with their backends and health.
func (inv *Inventory) LoadBalancers(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		TotalCount    int
		LoadBalancers struct {
			LoadBalancer []struct {
				slb.LoadBalancer
				Tags struct{ Tag []tagPair }
			}
		}
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "slb", region, byNumber, func(at pageAt) requests.AcsRequest {
		req := slb.CreateDescribeLoadBalancersRequest()
		req.PageNumber, req.PageSize = requests.NewInteger(at.number), inv.page(100)
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.LoadBalancers.LoadBalancer {
			charge := resource.PostPaid
			if x.PayType == "PrePay" {
				charge = resource.PrePaid
			}
			status := x.LoadBalancerStatus
			switch status {
			case "active":
				status = resource.StatusRunning
			case "inactive":
				status = resource.StatusStopped
			}
			created := parseAPITime(x.CreateTime)
			if x.CreateTimeStamp > 0 {
				created = time.UnixMilli(x.CreateTimeStamp).UTC()
			}
			out = append(out, resource.Resource{AccountID: accountID, ResourceID: x.LoadBalancerId, Type: resource.SLB,
				Region: x.RegionId, Zone: x.MasterZoneId, Name: x.LoadBalancerName, Status: status, ChargeType: charge,
				Tags: tagMap(x.Tags.Tag), Spec: x.LoadBalancerSpec, CreatedAt: created, BandwidthMbps: x.Bandwidth,
				InternetChargeType: x.InternetChargeType,
				Attrs:              map[string]any{"address": x.Address, "addressType": x.AddressType, "apiStatus": x.LoadBalancerStatus}})
		}
		return pageEnd{got: len(resp.LoadBalancers.LoadBalancer), total: resp.TotalCount}, nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		req := slb.CreateDescribeHealthStatusRequest()
		req.LoadBalancerId = out[i].ResourceID
		body, err := inv.do(ctx, "slb", region, req)
		if err != nil {
			return nil, err
		}
		var resp struct {
			BackendServers struct {
				BackendServer []struct {
					ServerId           string
					Port, ListenerPort int
					ServerHealthStatus string
					Weight             json.RawMessage
				}
			}
		}
		if err := decode("DescribeHealthStatus", body, &resp); err != nil {
			return nil, err
		}
		for _, b := range resp.BackendServers.BackendServer {
			w, _ := strconv.Atoi(strings.Trim(string(b.Weight), `"`))
			out[i].Backends = append(out[i].Backends, resource.Backend{ServerID: b.ServerId, Port: b.Port, Weight: w,
				Health: b.ServerHealthStatus, Listener: b.ListenerPort})
		}
	}
	return out, nil
}

// ---- RDS ----

// DBInstances lists the RDS instances of region with their tags (ListTagResources).
func (inv *Inventory) DBInstances(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		TotalRecordCount int
		Items            struct{ DBInstance []rds.DBInstance }
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "rds", region, byNumber, func(at pageAt) requests.AcsRequest {
		req := rds.CreateDescribeDBInstancesRequest()
		req.PageNumber, req.PageSize = requests.NewInteger(at.number), inv.page(100)
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.Items.DBInstance {
			charge := chargeOf(x.PayType)
			out = append(out, resource.Resource{AccountID: accountID, ResourceID: x.DBInstanceId, Type: resource.RDS,
				Region: x.RegionId, Zone: x.ZoneId, Name: x.DBInstanceDescription, Status: x.DBInstanceStatus, ChargeType: charge,
				Spec: x.DBInstanceClass, CreatedAt: parseAPITime(x.CreateTime), ExpiresAt: expiry(charge, x.ExpireTime),
				Tags:  map[string]string{},
				Attrs: map[string]any{"engine": x.Engine, "engineVersion": x.EngineVersion, "storageType": x.DBInstanceStorageType}})
		}
		return pageEnd{got: len(resp.Items.DBInstance), total: resp.TotalRecordCount}, nil
	})
	if err != nil {
		return nil, err
	}
	type tagPage struct {
		NextToken    string
		TagResources struct {
			TagResource []struct{ ResourceId, TagKey, TagValue string }
		}
	}
	byID := make(map[string]*resource.Resource, len(out))
	for i := range out {
		byID[out[i].ResourceID] = &out[i]
	}
	for start := 0; start < len(out); start += 50 {
		ids := make([]string, 0, 50)
		for _, r := range out[start:min(start+50, len(out))] {
			ids = append(ids, r.ResourceID)
		}
		err := listAll(ctx, inv, "rds", region, byToken, func(at pageAt) requests.AcsRequest {
			req := rds.CreateListTagResourcesRequest()
			req.ResourceType, req.ResourceId, req.NextToken = "INSTANCE", &ids, at.token
			return req
		}, func(resp *tagPage) (pageEnd, error) {
			for _, t := range resp.TagResources.TagResource {
				if r := byID[t.ResourceId]; r != nil {
					r.Tags[t.TagKey] = t.TagValue
				}
			}
			return pageEnd{next: resp.NextToken}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ---- Tair ----

// RedisInstances lists the Tair (Redis) instances of region.
func (inv *Inventory) RedisInstances(ctx context.Context, accountID int64, region string) ([]resource.Resource, error) {
	type page struct {
		TotalCount int
		Instances  struct {
			KVStoreInstance []struct {
				rkvstore.KVStoreInstance
				Tags struct{ Tag []tagPair }
			}
		}
	}
	var out []resource.Resource
	err := listAll(ctx, inv, "kvstore", region, byNumber, func(at pageAt) requests.AcsRequest {
		req := rkvstore.CreateDescribeInstancesRequest()
		req.PageNumber, req.PageSize = requests.NewInteger(at.number), inv.page(50)
		return req
	}, func(resp *page) (pageEnd, error) {
		for _, x := range resp.Instances.KVStoreInstance {
			charge := chargeOf(x.ChargeType)
			status := x.InstanceStatus
			if status == "Normal" {
				status = resource.StatusRunning
			}
			out = append(out, resource.Resource{AccountID: accountID, ResourceID: x.InstanceId, Type: resource.Redis,
				Region: x.RegionId, Zone: x.ZoneId, Name: x.InstanceName, Status: status, ChargeType: charge,
				Tags: tagMap(x.Tags.Tag), Spec: x.InstanceClass, CreatedAt: parseAPITime(x.CreateTime),
				ExpiresAt: expiry(charge, x.EndTime),
				Attrs: map[string]any{"engineVersion": x.EngineVersion, "architecture": x.ArchitectureType, "capacityMiB": x.Capacity,
					"apiStatus": x.InstanceStatus}})
		}
		return pageEnd{got: len(resp.Instances.KVStoreInstance), total: resp.TotalCount}, nil
	})
	return out, err
}

// ---- auto-renewal ----

// AutoRenewBatch is how many ECS instances one DescribeInstanceAutoRenewAttribute call asks
// about: the documented most.
const AutoRenewBatch = 100

// AutoRenew reads whether the subscriptions among rs (resources of region) renew themselves
// when they end, and sets their AutoRenew. ECS is asked with DescribeInstanceAutoRenewAttribute,
// AutoRenewBatch instances a call; RDS and Tair with DescribeInstanceAutoRenewalAttribute,
// which takes one instance id a call, so every page of the region is read instead. Only
// subscriptions are asked about (ECS answers an error for a pay-as-you-go instance), and a
// product without subscriptions in the region costs no call.
func (inv *Inventory) AutoRenew(ctx context.Context, region string, rs []resource.Resource) error {
	subs := map[resource.Type]map[string]*resource.Resource{}
	var ecsIDs []string
	for i := range rs {
		r := &rs[i]
		if r.ChargeType != resource.PrePaid || r.Released() {
			continue
		}
		switch r.Type {
		case resource.ECS, resource.RDS, resource.Redis:
			if subs[r.Type] == nil {
				subs[r.Type] = map[string]*resource.Resource{}
			}
			subs[r.Type][r.ResourceID] = r
			if r.Type == resource.ECS {
				ecsIDs = append(ecsIDs, r.ResourceID)
			}
		}
	}
	type ecsPage struct {
		TotalCount              int
		InstanceRenewAttributes struct {
			InstanceRenewAttribute []ecs.InstanceRenewAttribute
		}
	}
	sort.Strings(ecsIDs)
	for start := 0; start < len(ecsIDs); start += AutoRenewBatch {
		batch := strings.Join(ecsIDs[start:min(start+AutoRenewBatch, len(ecsIDs))], ",")
		err := listAll(ctx, inv, "ecs", region, byNumber, func(at pageAt) requests.AcsRequest {
			req := ecs.CreateDescribeInstanceAutoRenewAttributeRequest()
			req.InstanceId, req.PageNumber, req.PageSize = batch, strconv.Itoa(at.number), string(inv.page(AutoRenewBatch))
			return req
		}, func(resp *ecsPage) (pageEnd, error) {
			got := resp.InstanceRenewAttributes.InstanceRenewAttribute
			for _, a := range got {
				if r := subs[resource.ECS][a.InstanceId]; r != nil {
					r.AutoRenew = a.AutoRenewEnabled || a.RenewalStatus == "AutoRenewal"
				}
			}
			return pageEnd{got: len(got), total: resp.TotalCount}, nil
		})
		if err != nil {
			return err
		}
	}
	// RDS and Tair answer alike: Items.Item[] with AutoRenew "true" or "false" (any case).
	type dbPage struct {
		TotalRecordCount int
		Items            struct {
			Item []struct{ DBInstanceId, AutoRenew string }
		}
	}
	for _, db := range []struct {
		product string
		typ     resource.Type
		request func() requests.AcsRequest
	}{
		{"rds", resource.RDS, func() requests.AcsRequest { return rds.CreateDescribeInstanceAutoRenewalAttributeRequest() }},
		{"kvstore", resource.Redis, func() requests.AcsRequest { return rkvstore.CreateDescribeInstanceAutoRenewalAttributeRequest() }},
	} {
		if len(subs[db.typ]) == 0 {
			continue
		}
		err := listAll(ctx, inv, db.product, region, byNumber, func(at pageAt) requests.AcsRequest {
			req := db.request()
			q := req.GetQueryParams()
			q["PageNumber"], q["PageSize"] = strconv.Itoa(at.number), string(inv.page(100))
			return req
		}, func(resp *dbPage) (pageEnd, error) {
			for _, it := range resp.Items.Item {
				if r := subs[db.typ][it.DBInstanceId]; r != nil {
					r.AutoRenew = strings.EqualFold(it.AutoRenew, "true")
				}
			}
			return pageEnd{got: len(resp.Items.Item), total: resp.TotalRecordCount}, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// ---- CloudMonitor ----

// cmsMetric is one CloudMonitor metric read for a resource type: its name, the scale that
// turns it into the model's unit, and the model metric it feeds.
type cmsMetric struct {
	name   string
	scale  float64
	metric resource.Metric
}

// cmsMetrics are, per type, the namespace and metrics read. Traffic is not read: it is the
// sum of net_in and net_out, point by point.
var cmsMetrics = map[resource.Type]struct {
	namespace string
	metrics   []cmsMetric
}{
	resource.ECS: {"acs_ecs_dashboard", []cmsMetric{{"CPUUtilization", 1, resource.CPU}, {"InternetInRate", 1.0 / 8, resource.NetIn},
		{"InternetOutRate", 1.0 / 8, resource.NetOut}}},
	resource.EIP: {"acs_vpc_eip", []cmsMetric{{"net_rx.rate", 1.0 / 8, resource.NetIn}, {"net_tx.rate", 1.0 / 8, resource.NetOut}}},
	resource.SLB: {"acs_slb_dashboard", []cmsMetric{{"TrafficRXNew", 1.0 / 8, resource.NetIn}, {"TrafficTXNew", 1.0 / 8, resource.NetOut},
		{"ActiveConnection", 1, resource.Connections}, {"NewConnection", 1, resource.NewConns}}},
	resource.NAT: {"acs_nat_gateway", []cmsMetric{{"net_rx.rate", 1.0 / 8, resource.NetIn}, {"net_tx.rate", 1.0 / 8, resource.NetOut},
		{"SessionActiveConnection", 1, resource.Sessions}}},
	resource.RDS: {"acs_rds_dashboard", []cmsMetric{{"CpuUsage", 1, resource.CPU}, {"MySQL_ActiveSessions", 1, resource.Connections},
		{"MySQL_QPS", 1, resource.QPS}}},
	resource.Redis: {"acs_kvstore", []cmsMetric{{"StandardCpuUsage", 1, resource.CPU}, {"StandardUsedConnection", 1, resource.Connections},
		{"StandardUsedQPS", 1, resource.QPS}}},
}

// MetricBatch is how many instances one DescribeMetricList call asks about.
const MetricBatch = 50

// metricPeriod is the period of the points read: an hour keeps 24 points a day per
// instance, so one call of 1,440 points covers a batch of 50 instances for a day and the
// calls stay far inside the free quota; the day's p95 is that of its 24 hourly means.
const metricPeriod = 3600

// MetricSummary is what Metrics read for one type.
type MetricSummary struct {
	Days []resource.MetricDay
	// LastPoint is, per resource, the time just after the last point of its first metric
	// (CPU for instances): an instance that is stopped reports nothing, so this is when it
	// stopped if that happened within the days read.
	LastPoint map[string]time.Time
}

// Metrics reads the CloudMonitor points of resources ids (all of type t) for the billing
// days from..to (both included, midnight Asia/Shanghai) and summarises each day.
func (inv *Inventory) Metrics(ctx context.Context, accountID int64, t resource.Type, ids []string, from, to time.Time) (MetricSummary, error) {
	out := MetricSummary{LastPoint: map[string]time.Time{}}
	spec, ok := cmsMetrics[t]
	if !ok || len(ids) == 0 {
		return out, nil
	}
	start := from.In(billing.Shanghai)
	end := to.In(billing.Shanghai).AddDate(0, 0, 1)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	// Batch by batch, every metric of the batch, summarised at once: only one batch's points
	// are held at a time.
	for b := 0; b < len(ids); b += MetricBatch {
		batch := ids[b:min(b+MetricBatch, len(ids))]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			days, last, err := inv.batchMetrics(ctx, accountID, spec.namespace, spec.metrics, batch, start, end)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			out.Days = append(out.Days, days...)
			for id, at := range last {
				out.LastPoint[id] = at
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return MetricSummary{}, firstErr
	}
	sort.Slice(out.Days, func(i, j int) bool {
		a, b := out.Days[i], out.Days[j]
		if a.ResourceID != b.ResourceID {
			return a.ResourceID < b.ResourceID
		}
		if a.Metric != b.Metric {
			return a.Metric < b.Metric
		}
		return a.Day.Before(b.Day)
	})
	return out, nil
}

// batchMetrics reads every metric of one batch of instances and summarises each day.
func (inv *Inventory) batchMetrics(ctx context.Context, accountID int64, namespace string, metrics []cmsMetric, batch []string,
	start, end time.Time) ([]resource.MetricDay, map[string]time.Time, error) {
	// points[metric][instance][timestamp] = (average, maximum)
	points := map[resource.Metric]map[string]map[int64][2]float64{}
	for _, m := range metrics {
		got, err := inv.metricPoints(ctx, namespace, m, batch, start, end)
		if err != nil {
			return nil, nil, err
		}
		points[m.metric] = got
	}
	last := map[string]time.Time{}
	for id, ps := range points[metrics[0].metric] {
		var ts int64
		for t := range ps {
			ts = max(ts, t)
		}
		if ts > 0 {
			last[id] = time.Unix(ts+metricPeriod, 0).UTC()
		}
	}
	in, okIn := points[resource.NetIn]
	outp, okOut := points[resource.NetOut]
	if okIn && okOut {
		sum := map[string]map[int64][2]float64{}
		for _, side := range []map[string]map[int64][2]float64{in, outp} {
			for id, ps := range side {
				if sum[id] == nil {
					sum[id] = map[int64][2]float64{}
				}
				for ts, v := range ps {
					o := sum[id][ts]
					sum[id][ts] = [2]float64{o[0] + v[0], o[1] + v[1]}
				}
			}
		}
		points[resource.Traffic] = sum
	}
	var days []resource.MetricDay
	for metric, byID := range points {
		for id, ps := range byID {
			// In time order, so that a day's mean is the same sum whatever the map's order.
			perDay := map[int64][][2]float64{}
			for _, ts := range slices.Sorted(maps.Keys(ps)) {
				d := (ts + 8*3600) / 86400
				perDay[d] = append(perDay[d], ps[ts])
			}
			for d, vs := range perDay {
				days = append(days, summarise(accountID, id, metric, time.Unix(d*86400-8*3600, 0).In(billing.Shanghai), vs))
			}
		}
	}
	return days, last, nil
}

// summarise makes a day's summary of (average, maximum) points: the highest maximum, the
// nearest-rank 95th percentile of the averages, and their mean.
func summarise(accountID int64, id string, m resource.Metric, day time.Time, vs [][2]float64) resource.MetricDay {
	avgs := make([]float64, len(vs))
	hi, sum := math.Inf(-1), 0.0
	for i, v := range vs {
		avgs[i] = v[0]
		sum += v[0]
		hi = max(hi, v[1], v[0])
	}
	sort.Float64s(avgs)
	rank := int(math.Ceil(0.95*float64(len(avgs)))) - 1
	return resource.MetricDay{AccountID: accountID, ResourceID: id, Metric: m, Day: day, Max: hi, P95: avgs[max(rank, 0)],
		Mean: sum / float64(len(vs)), Samples: len(vs)}
}

// metricPoints reads every page of one metric for a batch of instances over [start, end).
func (inv *Inventory) metricPoints(ctx context.Context, namespace string, m cmsMetric, ids []string, start, end time.Time) (map[string]map[int64][2]float64, error) {
	dims := make([]map[string]string, len(ids))
	for i, id := range ids {
		dims[i] = map[string]string{"instanceId": id}
	}
	dj, err := json.Marshal(dims)
	if err != nil {
		return nil, err
	}
	type page struct {
		Success    *bool
		Code       string
		Message    string
		NextToken  string
		Datapoints string
	}
	out := map[string]map[int64][2]float64{}
	err = listAll(ctx, inv, "cms", inv.base.region, byToken, func(at pageAt) requests.AcsRequest {
		req := cms.CreateDescribeMetricListRequest()
		req.Namespace, req.MetricName, req.Period = namespace, m.name, strconv.Itoa(metricPeriod)
		req.StartTime, req.EndTime = strconv.FormatInt(start.UnixMilli(), 10), strconv.FormatInt(end.UnixMilli(), 10)
		req.Dimensions, req.Length, req.NextToken = string(dj), "1440", at.token
		return req
	}, func(resp *page) (pageEnd, error) {
		if resp.Success != nil && !*resp.Success {
			return pageEnd{}, errs.E(errs.KindUnavailable, "alibaba cloud DescribeMetricList: %s: %s", resp.Code, errs.Clip(resp.Message, 200))
		}
		if resp.Datapoints == "" {
			return pageEnd{next: resp.NextToken}, nil
		}
		var pts []struct {
			Timestamp  int64   `json:"timestamp"`
			InstanceID string  `json:"instanceId"`
			Average    float64 `json:"Average"`
			Maximum    float64 `json:"Maximum"`
		}
		if err := json.Unmarshal([]byte(resp.Datapoints), &pts); err != nil {
			return pageEnd{}, badResponse("DescribeMetricList", fmt.Errorf("datapoints: %w", err))
		}
		for _, p := range pts {
			if out[p.InstanceID] == nil {
				out[p.InstanceID] = map[int64][2]float64{}
			}
			out[p.InstanceID][p.Timestamp/1000] = [2]float64{p.Average * m.scale, p.Maximum * m.scale}
		}
		return pageEnd{next: resp.NextToken}, nil
	})
	return out, err
}
