package aliyun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	Items []billing.RawItem
	// Bodies are the items' JSON exactly as received: Bodies[i] is Items[i].
	Bodies []json.RawMessage
	// Unreadable are items that are not an object of readable fields (a field of a type no
	// reading can make sense of): the caller rejects them with Err and keeps the rest.
	Unreadable []UnreadableItem
	NextToken  string
	// TotalCount is the number of items of the whole answer, when the service sends it.
	TotalCount    int
	HasTotalCount bool
	MaxResults    int // the page size the service used (as it says, else as asked)
	RequestID     string
}

// UnreadableItem is an item of a page that could not be decoded, as received.
type UnreadableItem struct {
	Body json.RawMessage
	Err  error
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
			NextToken  billing.Text    `json:"NextToken"`
			TotalCount billing.Number  `json:"TotalCount"`
			MaxResults billing.Number  `json:"MaxResults"`
			Items      json.RawMessage `json:"Items"`
		} `json:"Data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return BillPage{}, badResponse("DescribeInstanceBill", err)
	}
	bodies, err := itemBodies(resp.Data.Items)
	if err != nil {
		return BillPage{}, badResponse("DescribeInstanceBill", err)
	}
	page := BillPage{NextToken: string(resp.Data.NextToken), RequestID: resp.RequestID, MaxResults: q.MaxResults,
		Items: make([]billing.RawItem, 0, len(bodies)), Bodies: make([]json.RawMessage, 0, len(bodies))}
	if resp.Data.TotalCount != "" {
		if page.TotalCount, err = strconv.Atoi(string(resp.Data.TotalCount)); err != nil || page.TotalCount < 0 {
			return BillPage{}, badResponse("DescribeInstanceBill", fmt.Errorf("TotalCount %q is not a count", errs.Clip(string(resp.Data.TotalCount), 40)))
		}
		page.HasTotalCount = true
	}
	// The page size the service used, which may be smaller than asked for.
	if n, err := strconv.Atoi(string(resp.Data.MaxResults)); err == nil && n > 0 {
		page.MaxResults = n
	}
	for _, b := range bodies {
		var it billing.RawItem
		if err := json.Unmarshal(b, &it); err != nil {
			page.Unreadable = append(page.Unreadable, UnreadableItem{Body: b, Err: unreadable(err)})
			continue
		}
		page.Items = append(page.Items, it)
		page.Bodies = append(page.Bodies, b)
	}
	return page, nil
}

// unreadable turns a decoding error of one item into a reason a person can act on.
func unreadable(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return errs.Wrap(errs.KindInvalid, err, "field %s is a JSON %s, where the API documents a single value (text or number)", te.Field, te.Value)
	}
	return errs.Wrap(errs.KindInvalid, err, "the item is not readable: %s", errs.Clip(err.Error(), 200))
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

// QueryAccountBalance reads the balance. BSS documents these amounts as strings, which
// may carry thousands separators ("10,000.00", dropped before parsing); numbers are
// accepted too, and digits below the micro-unit are rounded.
func (b *Billing) QueryAccountBalance(ctx context.Context) (Balance, error) {
	body, err := b.c.call(ctx, bssopenapi.CreateQueryAccountBalanceRequest())
	if err != nil {
		return Balance{}, err
	}
	var resp struct {
		Data struct {
			AvailableAmount     billing.Number `json:"AvailableAmount"`
			AvailableCashAmount billing.Number `json:"AvailableCashAmount"`
			CreditAmount        billing.Number `json:"CreditAmount"`
			Currency            billing.Text   `json:"Currency"`
		} `json:"Data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return Balance{}, badResponse("QueryAccountBalance", err)
	}
	out := Balance{Currency: strings.TrimSpace(string(resp.Data.Currency))}
	for _, f := range []struct {
		name string
		in   billing.Number
		out  *money.Micros
	}{
		{"AvailableAmount", resp.Data.AvailableAmount, &out.AvailableAmount},
		{"AvailableCashAmount", resp.Data.AvailableCashAmount, &out.AvailableCashAmount},
		{"CreditAmount", resp.Data.CreditAmount, &out.CreditAmount},
	} {
		s := strings.ReplaceAll(string(f.in), ",", "")
		if s == "" {
			continue
		}
		v, _, err := money.ParseRounded(s)
		if err != nil {
			return Balance{}, badResponse("QueryAccountBalance", fmt.Errorf("%s %q is not an amount", f.name, errs.Clip(string(f.in), 40)))
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
			ProductCode: string(r.ProductCode), ProductName: string(r.ProductName), ProductType: string(r.ProductType),
			SubscriptionType: string(r.SubscriptionType), Item: string(r.Item), PipCode: string(r.PipCode),
			CommodityCode: string(r.CommodityCode), BillAccountID: string(r.BillAccountID),
			BillAccountName: string(r.BillAccountName), Currency: string(r.Currency),
		}
		for _, f := range []struct {
			in  billing.Number
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
			v, _, err := money.ParseRounded(strings.ReplaceAll(string(f.in), ",", ""))
			if err != nil {
				return nil, badResponse("QueryBillOverview", err)
			}
			*f.out = v
		}
		out[i] = o
	}
	return out, nil
}

// itemBodies splits a list of items into each item's JSON as received, in both shapes
// BSS uses for lists (see decodeItems).
func itemBodies(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var out []json.RawMessage
	if raw[0] == '[' {
		err := json.Unmarshal(raw, &out)
		return out, err
	}
	var wrapped struct {
		Item []json.RawMessage `json:"Item"`
	}
	err := json.Unmarshal(raw, &wrapped)
	return wrapped.Item, err
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

// badResponse classifies an answer that does not match the documented shape: it is
// the service's fault, not the caller's or CloudLens's, so it is "unavailable" (a bad
// gateway), never a 500, and the message names what was wrong so a person can act on it.
func badResponse(action string, err error) error {
	return errs.Wrap(errs.KindUnavailable, err, "alibaba cloud %s answered in an unexpected shape: %s", action, errs.Clip(err.Error(), 300))
}
