package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// bulkItemCols are the cost_line_items columns the bulk path fills, in the order of each
// generated row; item_key travels as hex text and is decoded by the server.
const bulkItemCols = `(account_id, charge_date, @item_key, billing_period, week_start,
  billing_account_id, billing_account_name, sub_account_id, sub_account_name,
  service_code, service_name, service_category, product_type,
  charge_category, charge_frequency, resource_id, resource_name,
  region_id, region_name, zone,
  list_cost, billed_cost, effective_cost, invoice_discount,
  coupon_deduction, cash_coupon_deduction, prepaid_card_deduction,
  pricing_quantity, pricing_unit, subscription_type, billing_item, billing_item_name,
  resource_group, cost_unit, currency, sync_id) SET item_key = UNHEX(@item_key)`

const bulkTagCols = `(account_id, charge_date, @item_key, tag_key, tag_value) SET item_key = UNHEX(@item_key)`

var readerSeq atomic.Int64

// bulkLoader streams line items and their tags into MySQL with two concurrent
// LOAD DATA LOCAL INFILE statements fed from pipes: the write path a sync uses
// (UpsertLineItems) is not what this benchmark measures, only the data it leaves behind.
type bulkLoader struct {
	items, tags   *bufio.Writer
	itemsW, tagsW *io.PipeWriter
	done          chan error
	line          []byte
	itemKey       [32]byte
}

func startBulk(ctx context.Context, db *sql.DB) *bulkLoader {
	n := readerSeq.Add(1)
	ir, iw := io.Pipe()
	tr, tw := io.Pipe()
	itemsName := "costgen-items-" + strconv.FormatInt(n, 10)
	tagsName := "costgen-tags-" + strconv.FormatInt(n, 10)
	mysql.RegisterReaderHandler(itemsName, func() io.Reader { return ir })
	mysql.RegisterReaderHandler(tagsName, func() io.Reader { return tr })
	b := &bulkLoader{items: bufio.NewWriterSize(iw, 1<<20), tags: bufio.NewWriterSize(tw, 1<<20), itemsW: iw, tagsW: tw, done: make(chan error, 2)}
	load := func(name, table, cols string, r *io.PipeReader) {
		_, err := db.ExecContext(ctx, "LOAD DATA LOCAL INFILE 'Reader::"+name+"' INTO TABLE "+table+" CHARACTER SET utf8mb4 "+cols)
		mysql.DeregisterReaderHandler(name)
		// Unblock the writer if the server stopped reading early.
		r.CloseWithError(fmt.Errorf("load %s ended: %v", table, err))
		if err != nil {
			err = fmt.Errorf("load data into %s: %w", table, err)
		}
		b.done <- err
	}
	go load(itemsName, "cost_line_items", bulkItemCols, ir)
	go load(tagsName, "cost_line_item_tags", bulkTagCols, tr)
	return b
}

// field appends s escaped for LOAD DATA's default format (tab-separated, backslash escapes).
func field(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case 0:
			dst = append(dst, '\\', '0')
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '\t')
}

func intField(dst []byte, v int64) []byte {
	return append(strconv.AppendInt(dst, v, 10), '\t')
}

func (b *bulkLoader) add(li *billing.LineItem) error {
	hex.Encode(b.itemKey[:], li.Key[:])
	l := b.line[:0]
	l = intField(l, li.AccountID)
	l = field(l, li.ChargeDate)
	l = append(append(l, b.itemKey[:]...), '\t')
	for _, s := range []string{li.BillingPeriod, li.WeekStart, li.BillingAccountID, li.BillingAccountName, li.SubAccountID,
		li.SubAccountName, li.ServiceCode, li.ServiceName, li.ServiceCategory, li.ProductType, li.ChargeCategory,
		li.ChargeFrequency, li.ResourceID, li.ResourceName, li.RegionID, li.RegionName, li.Zone} {
		l = field(l, s)
	}
	for _, v := range []int64{int64(li.ListCost), int64(li.BilledCost), int64(li.EffectiveCost), int64(li.InvoiceDiscount),
		int64(li.CouponDeduction), int64(li.CashCouponDeduction), int64(li.PrepaidCardDeduction)} {
		l = intField(l, v)
	}
	for _, s := range []string{li.PricingQuantity, li.PricingUnit, li.SubscriptionType, li.BillingItem, li.BillingItemName,
		li.ResourceGroup, li.CostUnit, li.Currency} {
		l = field(l, s)
	}
	l = append(l, '0', '\n')
	if _, err := b.items.Write(l); err != nil {
		return b.fail(err)
	}
	for _, t := range li.Tags {
		l = l[:0]
		l = intField(l, li.AccountID)
		l = field(l, li.ChargeDate)
		l = append(append(l, b.itemKey[:]...), '\t')
		l = field(l, t.Key)
		l = field(l, t.Value)
		l[len(l)-1] = '\n'
		if _, err := b.tags.Write(l); err != nil {
			return b.fail(err)
		}
	}
	b.line = l
	return nil
}

// fail closes the pipes and reports the loads' own errors, which explain a broken pipe.
func (b *bulkLoader) fail(err error) error {
	b.itemsW.CloseWithError(err)
	b.tagsW.CloseWithError(err)
	var msgs []string
	for range 2 {
		if e := <-b.done; e != nil {
			msgs = append(msgs, e.Error())
		}
	}
	return fmt.Errorf("bulk load: %w (%s)", err, strings.Join(msgs, "; "))
}

// finish flushes and closes both streams and waits for both loads.
func (b *bulkLoader) finish() error {
	if err := b.items.Flush(); err != nil {
		return b.fail(err)
	}
	if err := b.tags.Flush(); err != nil {
		return b.fail(err)
	}
	b.itemsW.Close()
	b.tagsW.Close()
	var first error
	for range 2 {
		if err := <-b.done; err != nil && first == nil {
			first = err
		}
	}
	return first
}
