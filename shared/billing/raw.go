// Package billing turns Alibaba Cloud bill items into FOCUS 1.2 line items: exact money,
// region ids instead of display names, parsed tags, a charge category and a natural key
// that makes re-ingesting the same bill idempotent.
package billing

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"
)

// RawItem is one item of DescribeInstanceBill as received. It mirrors every field of
// the SDK's bssopenapi.Item (plus AfterDiscountAmount, documented but missing from the
// SDK struct) with the JSON names Alibaba uses. Every scalar field keeps its literal text
// (Text or Number), so amounts stay exact (the SDK's float64 fields cannot hold 0.01) and
// a field that arrives as a number where the documentation says string, or the other way
// round, is still read; Normalize decides whether the text makes sense for the field.
// Free-form objects stay raw because nothing downstream reads them.
type RawItem struct {
	Tax                       Number          `json:"Tax"`
	CoveragePercentage        Number          `json:"CoveragePercentage"`
	ResourceInstanceId        Text            `json:"ResourceInstanceId"`
	CommodityCode             Text            `json:"CommodityCode"`
	BudgetStatus              Text            `json:"BudgetStatus"`
	ConsumePeriod             json.RawMessage `json:"ConsumePeriod,omitempty"`
	PipCode                   Text            `json:"PipCode"`
	SplitAccountID            Text            `json:"SplitAccountID"`
	BillAccountID             Text            `json:"BillAccountID"`
	ListPrice                 Text            `json:"ListPrice"`
	Period                    Text            `json:"Period"`
	InvoiceDiscount           Number          `json:"InvoiceDiscount"`
	StartTime                 Text            `json:"StartTime"`
	EndTime                   Text            `json:"EndTime"`
	InstanceID                Text            `json:"InstanceID"`
	PretaxGrossAmount         Number          `json:"PretaxGrossAmount"`
	ImageType                 Text            `json:"ImageType"`
	RecordID                  Text            `json:"RecordID"`
	Status                    Text            `json:"Status"`
	Item                      Text            `json:"Item"`
	ProductName               Text            `json:"ProductName"`
	PaymentAmount             Number          `json:"PaymentAmount"`
	PostpaidCost              Text            `json:"PostpaidCost"`
	ReservationCost           Text            `json:"ReservationCost"`
	UsageEndTime              Text            `json:"UsageEndTime"`
	InternetIP                Text            `json:"InternetIP"`
	CashAmount                Number          `json:"CashAmount"`
	ResourceGroup             Text            `json:"ResourceGroup"`
	SplitAccountName          Text            `json:"SplitAccountName"`
	CapacityUnit              Text            `json:"CapacityUnit"`
	UsagePercentage           Number          `json:"UsagePercentage"`
	SubscribeTime             Text            `json:"SubscribeTime"`
	InstanceId                Text            `json:"InstanceId"`
	SubscriptionType          Text            `json:"SubscriptionType"`
	ZoneName                  Text            `json:"ZoneName"`
	PotentialSavedCost        Text            `json:"PotentialSavedCost"`
	MultAccountRelSubscribe   Text            `json:"MultAccountRelSubscribe"`
	Percentage                Number          `json:"Percentage"`
	SplitCommodityCode        Text            `json:"SplitCommodityCode"`
	SplitItemID               Text            `json:"SplitItemID"`
	SubscribeType             Text            `json:"SubscribeType"`
	AdjustAmount              Number          `json:"AdjustAmount"`
	ProductType               Text            `json:"ProductType"`
	SplitBillingDate          Text            `json:"SplitBillingDate"`
	PaymentTransactionID      Text            `json:"PaymentTransactionID"`
	BillingDate               Text            `json:"BillingDate"`
	StatusName                Text            `json:"StatusName"`
	BillingItem               Text            `json:"BillingItem"`
	SavedCost                 Text            `json:"SavedCost"`
	DeductQuantity            Number          `json:"DeductQuantity"`
	RowLimitPerFile           Number          `json:"RowLimitPerFile"`
	BudgetName                Text            `json:"BudgetName"`
	Budget                    json.RawMessage `json:"Budget,omitempty"`
	ItemName                  Text            `json:"ItemName"`
	TotalQuantity             Number          `json:"TotalQuantity"`
	BizType                   Text            `json:"BizType"`
	BillingItemCode           Text            `json:"BillingItemCode"`
	BucketPath                Text            `json:"BucketPath"`
	UsageStartTime            Text            `json:"UsageStartTime"`
	ProductDetail             Text            `json:"ProductDetail"`
	Usage                     Text            `json:"Usage"`
	ServicePeriodUnit         Text            `json:"ServicePeriodUnit"`
	PretaxAmountLocal         Number          `json:"PretaxAmountLocal"`
	OwnerName                 Text            `json:"OwnerName"`
	OutstandingAmount         Number          `json:"OutstandingAmount"`
	DeductedByResourcePackage Text            `json:"DeductedByResourcePackage"`
	SplitProductDetail        Text            `json:"SplitProductDetail"`
	ProductCode               Text            `json:"ProductCode"`
	BucketOwnerId             Number          `json:"BucketOwnerId"`
	SplitItemName             Text            `json:"SplitItemName"`
	SubscribeBucket           Text            `json:"SubscribeBucket"`
	Region                    Text            `json:"Region"`
	RoundDownDiscount         Text            `json:"RoundDownDiscount"`
	CommodityName             Text            `json:"CommodityName"`
	PaymentTime               Text            `json:"PaymentTime"`
	CalculatedValues          json.RawMessage `json:"CalculatedValues,omitempty"`
	CostUnit                  Text            `json:"CostUnit"`
	SplitBillingCycle         Text            `json:"SplitBillingCycle"`
	AfterTaxAmount            Number          `json:"AfterTaxAmount"`
	AfterDiscountAmount       Number          `json:"AfterDiscountAmount"`
	SubOrderId                Text            `json:"SubOrderId"`
	InstanceSpec              Text            `json:"InstanceSpec"`
	BillingType               Text            `json:"BillingType"`
	Tag                       Text            `json:"Tag"`
	RegionNo                  Text            `json:"RegionNo"`
	OwnerID                   Text            `json:"OwnerID"`
	UserId                    Text            `json:"UserId"`
	NickName                  Text            `json:"NickName"`
	InstanceConfig            Text            `json:"InstanceConfig"`
	DeductedByCashCoupons     Number          `json:"DeductedByCashCoupons"`
	ServicePeriod             Text            `json:"ServicePeriod"`
	ListPriceUnit             Text            `json:"ListPriceUnit"`
	UsageUnit                 Text            `json:"UsageUnit"`
	PaymentCurrency           Text            `json:"PaymentCurrency"`
	SubscribeLanguage         Text            `json:"SubscribeLanguage"`
	BudgetType                Text            `json:"BudgetType"`
	Currency                  Text            `json:"Currency"`
	DeductedByPrepaidCard     Number          `json:"DeductedByPrepaidCard"`
	BillAccountName           Text            `json:"BillAccountName"`
	DeductedByCoupons         Number          `json:"DeductedByCoupons"`
	Zone                      Text            `json:"Zone"`
	Quantity                  Number          `json:"Quantity"`
	UserName                  Text            `json:"UserName"`
	PretaxAmount              Number          `json:"PretaxAmount"`
	IntranetIP                Text            `json:"IntranetIP"`
}

// Text is a field documented as a string. It also accepts a JSON number or boolean, kept
// as its literal text ("Usage": 12.5 reads as "12.5"), and null, read as "". An object
// or array cannot be a string: decoding fails, and the caller rejects that item alone.
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*t = Text(s)
	return err
}

// Number is a field documented as a number, kept as its literal text. It also accepts
// the number as a JSON string ("12.30"), and null or "" as absent. Whether the text is a
// number is for the reader of the field to decide (money.ParseRounded, say), so that a
// bad value rejects one item with a reason that names the field.
type Number string

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	*n = Number(strings.TrimSpace(s))
	return err
}

// scalarText returns the text of a JSON scalar: a string's content, a number's or a
// boolean's literal, "" for null. Objects and arrays are an *json.UnmarshalTypeError,
// which encoding/json completes with the field's name.
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", nil
	}
	switch b[0] {
	case '"':
		// Most bill text has no escapes: take it as it is, without decoding it again
		// (invalid UTF-8 goes the long way, which replaces it as encoding/json does).
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && utf8.Valid(b) {
			return string(b[1 : len(b)-1]), nil
		}
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case 'n':
		return "", nil
	case '{', '[':
		kind := "object"
		if b[0] == '[' {
			kind = "array"
		}
		return "", &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[string]()}
	}
	return string(b), nil
}
