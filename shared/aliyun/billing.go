package aliyun

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Billing calls the BSS OpenAPI of one account. It is safe for concurrent use; all
// Billing values of the same AccessKey/role share one rate limiter.
type Billing struct{ c *client }

// Billing returns the billing client of an account on site ("china" or "international").
func (f *Factory) Billing(site string, c Credentials) (*Billing, error) {
	cl, err := f.newClient(site, c)
	if err != nil {
		return nil, err
	}
	return &Billing{c: cl}, nil
}

// BillQuery selects one page of DescribeInstanceBill.
type BillQuery struct {
	BillingCycle  string // YYYY-MM, required
	BillingDate   string // YYYY-MM-DD, required when Granularity is DAILY
	Granularity   string // DAILY or MONTHLY; "" means MONTHLY
	IsBillingItem bool
	MaxResults    int // 1..300; 0 means 300
	NextToken     string
	ProductCode   string
}

// BillPage is one page of items; NextToken is "" on the last page.
type BillPage struct {
	Items      []billing.RawItem
	NextToken  string
	TotalCount int
	RequestID  string
}

// DescribeInstanceBill fetches one page. Amounts are decoded from the raw body into
// json.Number, never through float64, so 0.01 stays 0.01.
func (b *Billing) DescribeInstanceBill(ctx context.Context, q BillQuery) (BillPage, error) {
	if err := q.validate(); err != nil {
		return BillPage{}, err
	}
	req := bssopenapi.CreateDescribeInstanceBillRequest()
	req.BillingCycle = q.BillingCycle
	req.BillingDate = q.BillingDate
	req.Granularity = q.Granularity
	req.IsBillingItem = requests.NewBoolean(q.IsBillingItem)
	req.MaxResults = requests.NewInteger(q.MaxResults)
	req.NextToken = q.NextToken
	req.ProductCode = q.ProductCode
	body, err := b.c.call(ctx, req)
	if err != nil {
		return BillPage{}, err
	}
	var resp struct {
		RequestID string `json:"RequestId"`
		Data      struct {
			NextToken  string          `json:"NextToken"`
			TotalCount json.Number     `json:"TotalCount"`
			Items      json.RawMessage `json:"Items"`
		} `json:"Data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return BillPage{}, badResponse("DescribeInstanceBill", err)
	}
	var items []billing.RawItem
	if err := decodeItems(resp.Data.Items, &items); err != nil {
		return BillPage{}, badResponse("DescribeInstanceBill", err)
	}
	total, err := optionalInt(resp.Data.TotalCount)
	if err != nil {
		return BillPage{}, badResponse("DescribeInstanceBill", err)
	}
	return BillPage{Items: items, NextToken: resp.Data.NextToken, TotalCount: total, RequestID: resp.RequestID}, nil
}

func (q *BillQuery) validate() error {
	if _, err := time.Parse("2006-01", q.BillingCycle); err != nil || len(q.BillingCycle) != 7 {
		return errs.Invalid("billing cycle %q is not YYYY-MM", errs.Clip(q.BillingCycle, 40))
	}
	switch strings.ToUpper(q.Granularity) {
	case "", "MONTHLY":
		q.Granularity = "MONTHLY"
	case "DAILY":
		q.Granularity = "DAILY"
		d, err := time.Parse(time.DateOnly, q.BillingDate)
		if err != nil {
			return errs.Invalid("billing date %q is not YYYY-MM-DD", errs.Clip(q.BillingDate, 40))
		}
		if d.Format("2006-01") != q.BillingCycle {
			return errs.Invalid("billing date %s is outside billing cycle %s", q.BillingDate, q.BillingCycle)
		}
	default:
		return errs.Invalid("granularity %q is not DAILY or MONTHLY", errs.Clip(q.Granularity, 40))
	}
	if q.MaxResults == 0 {
		q.MaxResults = 300
	}
	if q.MaxResults < 1 || q.MaxResults > 300 {
		return errs.Invalid("max results %d is not within 1..300", q.MaxResults)
	}
	return nil
}

// Balance is the account's available credit.
type Balance struct {
	AvailableAmount     money.Micros
	AvailableCashAmount money.Micros
	CreditAmount        money.Micros
	Currency            string
}

// QueryAccountBalance reads the balance. BSS sends these amounts as strings, which
// may carry thousands separators ("10,000.00"); they are dropped before parsing.
func (b *Billing) QueryAccountBalance(ctx context.Context) (Balance, error) {
	body, err := b.c.call(ctx, bssopenapi.CreateQueryAccountBalanceRequest())
	if err != nil {
		return Balance{}, err
	}
	var resp struct {
		Data struct {
			AvailableAmount     string `json:"AvailableAmount"`
			AvailableCashAmount string `json:"AvailableCashAmount"`
			CreditAmount        string `json:"CreditAmount"`
			Currency            string `json:"Currency"`
		} `json:"Data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return Balance{}, badResponse("QueryAccountBalance", err)
	}
	out := Balance{Currency: resp.Data.Currency}
	for _, f := range []struct {
		in  string
		out *money.Micros
	}{
		{resp.Data.AvailableAmount, &out.AvailableAmount},
		{resp.Data.AvailableCashAmount, &out.AvailableCashAmount},
		{resp.Data.CreditAmount, &out.CreditAmount},
	} {
		s := strings.ReplaceAll(strings.TrimSpace(f.in), ",", "")
		if s == "" {
			continue
		}
		v, err := money.Parse(s)
		if err != nil {
			return Balance{}, badResponse("QueryAccountBalance", err)
		}
		*f.out = v
	}
	return out, nil
}

// OverviewItem is one product line of QueryBillOverview for a billing cycle.
type OverviewItem struct {
	ProductCode           string
	ProductName           string
	ProductType           string
	SubscriptionType      string
	Item                  string
	PipCode               string
	CommodityCode         string
	BillAccountID         string
	BillAccountName       string
	Currency              string
	PretaxGrossAmount     money.Micros
	InvoiceDiscount       money.Micros
	DeductedByCoupons     money.Micros
	PretaxAmount          money.Micros
	DeductedByCashCoupons money.Micros
	DeductedByPrepaidCard money.Micros
	PaymentAmount         money.Micros
	OutstandingAmount     money.Micros
	AdjustAmount          money.Micros
}

// QueryBillOverview returns the per-product totals of cycle (YYYY-MM), used to
// reconcile synced line items with Alibaba's own totals.
func (b *Billing) QueryBillOverview(ctx context.Context, cycle string) ([]OverviewItem, error) {
	if _, err := time.Parse("2006-01", cycle); err != nil || len(cycle) != 7 {
		return nil, errs.Invalid("billing cycle %q is not YYYY-MM", errs.Clip(cycle, 40))
	}
	req := bssopenapi.CreateQueryBillOverviewRequest()
	req.BillingCycle = cycle
	body, err := b.c.call(ctx, req)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Data struct {
			Items json.RawMessage `json:"Items"`
		} `json:"Data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, badResponse("QueryBillOverview", err)
	}
	var raws []billing.RawItem
	if err := decodeItems(resp.Data.Items, &raws); err != nil {
		return nil, badResponse("QueryBillOverview", err)
	}
	out := make([]OverviewItem, len(raws))
	for i, r := range raws {
		o := OverviewItem{
			ProductCode: r.ProductCode, ProductName: r.ProductName, ProductType: r.ProductType,
			SubscriptionType: r.SubscriptionType, Item: r.Item, PipCode: r.PipCode, CommodityCode: r.CommodityCode,
			BillAccountID: r.BillAccountID, BillAccountName: r.BillAccountName, Currency: r.Currency,
		}
		for _, f := range []struct {
			in  json.Number
			out *money.Micros
		}{
			{r.PretaxGrossAmount, &o.PretaxGrossAmount}, {r.InvoiceDiscount, &o.InvoiceDiscount},
			{r.DeductedByCoupons, &o.DeductedByCoupons}, {r.PretaxAmount, &o.PretaxAmount},
			{r.DeductedByCashCoupons, &o.DeductedByCashCoupons}, {r.DeductedByPrepaidCard, &o.DeductedByPrepaidCard},
			{r.PaymentAmount, &o.PaymentAmount}, {r.OutstandingAmount, &o.OutstandingAmount},
			{r.AdjustAmount, &o.AdjustAmount},
		} {
			if f.in == "" {
				continue
			}
			v, err := money.Parse(string(f.in))
			if err != nil {
				return nil, badResponse("QueryBillOverview", err)
			}
			*f.out = v
		}
		out[i] = o
	}
	return out, nil
}

// decodeItems accepts both shapes BSS uses for lists: a bare array (DescribeInstanceBill)
// and an object wrapping it as {"Item": [...]} (QueryBillOverview).
func decodeItems(raw json.RawMessage, into *[]billing.RawItem) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] == '[' {
		return json.Unmarshal(raw, into)
	}
	var wrapped struct {
		Item []billing.RawItem `json:"Item"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return err
	}
	*into = wrapped.Item
	return nil
}

func optionalInt(n json.Number) (int, error) {
	if n == "" {
		return 0, nil
	}
	return strconv.Atoi(string(n))
}

// badResponse classifies an answer that does not match the documented shape: it is
// the service's fault, not the caller's, and retrying will not change it.
func badResponse(action string, err error) error {
	return errs.Wrap(errs.KindInternal, err, "alibaba cloud %s: unexpected response", action)
}
