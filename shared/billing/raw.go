// Package billing turns Alibaba Cloud bill items into FOCUS 1.2 line items: exact money,
// region ids instead of display names, parsed tags, a charge category and a natural key
// that makes re-ingesting the same bill idempotent.
package billing

import "encoding/json"

// RawItem is one item of DescribeInstanceBill as received. It mirrors every field of
// the SDK's bssopenapi.Item (plus AfterDiscountAmount, documented but missing from the
// SDK struct) with the JSON names Alibaba uses. Numbers are json.Number so that amounts
// keep their exact decimal text: the SDK's float64 fields cannot hold 0.01 exactly.
// Free-form objects stay raw because nothing downstream reads them.
type RawItem struct {
	Tax                       json.Number     `json:"Tax"`
	CoveragePercentage        json.Number     `json:"CoveragePercentage"`
	ResourceInstanceId        string          `json:"ResourceInstanceId"`
	CommodityCode             string          `json:"CommodityCode"`
	BudgetStatus              string          `json:"BudgetStatus"`
	ConsumePeriod             json.RawMessage `json:"ConsumePeriod,omitempty"`
	PipCode                   string          `json:"PipCode"`
	SplitAccountID            string          `json:"SplitAccountID"`
	BillAccountID             string          `json:"BillAccountID"`
	ListPrice                 string          `json:"ListPrice"`
	Period                    string          `json:"Period"`
	InvoiceDiscount           json.Number     `json:"InvoiceDiscount"`
	StartTime                 string          `json:"StartTime"`
	EndTime                   string          `json:"EndTime"`
	InstanceID                string          `json:"InstanceID"`
	PretaxGrossAmount         json.Number     `json:"PretaxGrossAmount"`
	ImageType                 string          `json:"ImageType"`
	RecordID                  string          `json:"RecordID"`
	Status                    string          `json:"Status"`
	Item                      string          `json:"Item"`
	ProductName               string          `json:"ProductName"`
	PaymentAmount             json.Number     `json:"PaymentAmount"`
	PostpaidCost              string          `json:"PostpaidCost"`
	ReservationCost           string          `json:"ReservationCost"`
	UsageEndTime              string          `json:"UsageEndTime"`
	InternetIP                string          `json:"InternetIP"`
	CashAmount                json.Number     `json:"CashAmount"`
	ResourceGroup             string          `json:"ResourceGroup"`
	SplitAccountName          string          `json:"SplitAccountName"`
	CapacityUnit              string          `json:"CapacityUnit"`
	UsagePercentage           json.Number     `json:"UsagePercentage"`
	SubscribeTime             string          `json:"SubscribeTime"`
	InstanceId                string          `json:"InstanceId"`
	SubscriptionType          string          `json:"SubscriptionType"`
	ZoneName                  string          `json:"ZoneName"`
	PotentialSavedCost        string          `json:"PotentialSavedCost"`
	MultAccountRelSubscribe   string          `json:"MultAccountRelSubscribe"`
	Percentage                json.Number     `json:"Percentage"`
	SplitCommodityCode        string          `json:"SplitCommodityCode"`
	SplitItemID               string          `json:"SplitItemID"`
	SubscribeType             string          `json:"SubscribeType"`
	AdjustAmount              json.Number     `json:"AdjustAmount"`
	ProductType               string          `json:"ProductType"`
	SplitBillingDate          string          `json:"SplitBillingDate"`
	PaymentTransactionID      string          `json:"PaymentTransactionID"`
	BillingDate               string          `json:"BillingDate"`
	StatusName                string          `json:"StatusName"`
	BillingItem               string          `json:"BillingItem"`
	SavedCost                 string          `json:"SavedCost"`
	DeductQuantity            json.Number     `json:"DeductQuantity"`
	RowLimitPerFile           json.Number     `json:"RowLimitPerFile"`
	BudgetName                string          `json:"BudgetName"`
	Budget                    json.RawMessage `json:"Budget,omitempty"`
	ItemName                  string          `json:"ItemName"`
	TotalQuantity             json.Number     `json:"TotalQuantity"`
	BizType                   string          `json:"BizType"`
	BillingItemCode           string          `json:"BillingItemCode"`
	BucketPath                string          `json:"BucketPath"`
	UsageStartTime            string          `json:"UsageStartTime"`
	ProductDetail             string          `json:"ProductDetail"`
	Usage                     string          `json:"Usage"`
	ServicePeriodUnit         string          `json:"ServicePeriodUnit"`
	PretaxAmountLocal         json.Number     `json:"PretaxAmountLocal"`
	OwnerName                 string          `json:"OwnerName"`
	OutstandingAmount         json.Number     `json:"OutstandingAmount"`
	DeductedByResourcePackage string          `json:"DeductedByResourcePackage"`
	SplitProductDetail        string          `json:"SplitProductDetail"`
	ProductCode               string          `json:"ProductCode"`
	BucketOwnerId             json.Number     `json:"BucketOwnerId"`
	SplitItemName             string          `json:"SplitItemName"`
	SubscribeBucket           string          `json:"SubscribeBucket"`
	Region                    string          `json:"Region"`
	RoundDownDiscount         string          `json:"RoundDownDiscount"`
	CommodityName             string          `json:"CommodityName"`
	PaymentTime               string          `json:"PaymentTime"`
	CalculatedValues          json.RawMessage `json:"CalculatedValues,omitempty"`
	CostUnit                  string          `json:"CostUnit"`
	SplitBillingCycle         string          `json:"SplitBillingCycle"`
	AfterTaxAmount            json.Number     `json:"AfterTaxAmount"`
	AfterDiscountAmount       json.Number     `json:"AfterDiscountAmount"`
	SubOrderId                string          `json:"SubOrderId"`
	InstanceSpec              string          `json:"InstanceSpec"`
	BillingType               string          `json:"BillingType"`
	Tag                       string          `json:"Tag"`
	RegionNo                  string          `json:"RegionNo"`
	OwnerID                   string          `json:"OwnerID"`
	UserId                    string          `json:"UserId"`
	NickName                  string          `json:"NickName"`
	InstanceConfig            string          `json:"InstanceConfig"`
	DeductedByCashCoupons     json.Number     `json:"DeductedByCashCoupons"`
	ServicePeriod             string          `json:"ServicePeriod"`
	ListPriceUnit             string          `json:"ListPriceUnit"`
	UsageUnit                 string          `json:"UsageUnit"`
	PaymentCurrency           string          `json:"PaymentCurrency"`
	SubscribeLanguage         string          `json:"SubscribeLanguage"`
	BudgetType                string          `json:"BudgetType"`
	Currency                  string          `json:"Currency"`
	DeductedByPrepaidCard     json.Number     `json:"DeductedByPrepaidCard"`
	BillAccountName           string          `json:"BillAccountName"`
	DeductedByCoupons         json.Number     `json:"DeductedByCoupons"`
	Zone                      string          `json:"Zone"`
	Quantity                  json.Number     `json:"Quantity"`
	UserName                  string          `json:"UserName"`
	PretaxAmount              json.Number     `json:"PretaxAmount"`
	IntranetIP                string          `json:"IntranetIP"`
}
