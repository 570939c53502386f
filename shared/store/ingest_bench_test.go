package store_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// benchRaws are simulated bill items of one account (2,000 resources) over benchDays days,
// as DescribeInstanceBill returns them, grouped by day. Built once per process.
const benchDays = 10

var benchRaws = sync.OnceValue(func() [][]billing.RawItem {
	now := time.Date(2026, 3, 20, 10, 0, 0, 0, billing.Shanghai)
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 11, Accounts: 1, Resources: 2000, Now: func() time.Time { return now }})
	uid := w.Accounts()[0].UID
	out := make([][]billing.RawItem, benchDays)
	var buf []byte
	for i := range benchDays {
		day := now.AddDate(0, 0, -benchDays-1+i)
		for _, it := range w.BillItems(uid, day, now) {
			buf = it.AppendJSON(buf[:0])
			var raw billing.RawItem
			if err := json.Unmarshal(buf, &raw); err != nil {
				panic(err)
			}
			out[i] = append(out[i], raw)
		}
	}
	return out
})

func benchRowCount() int {
	n := 0
	for _, d := range benchRaws() {
		n += len(d)
	}
	return n
}

func resetBillingTables(b *testing.B, s *store.Store) {
	b.Helper()
	// Tag sets stay: they are never deleted, and a sync meets each one once per process.
	if _, err := s.DB().ExecContext(b.Context(), "DELETE FROM cost_line_items"); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkIngest measures normalise + upsert of bill items (with their tags) as a sync
// does it, on one, two and three connections in parallel (a sync runs three day workers), against
// LOAD DATA LOCAL INFILE of the same normalised rows into a table of the same shape.
// Each iteration writes every row once into empty tables; rows/s is the figure to read.
// On MySQL it also measures a re-sync (every key already stored, values unchanged) and
// the multi-row upsert used where the server refuses LOCAL INFILE.
//
//	CLOUDLENS_TEST_MYSQL_DSN=… go test -run '^$' -bench BenchmarkIngest -benchtime 2x -count 3 ./shared/store/
func BenchmarkIngest(b *testing.B) {
	rows := benchRowCount()
	for _, s := range storetest.Stores(b) {
		for _, workers := range []int{1, 2, 3} {
			b.Run(string(s.Dialect())+"/upsert-"+strconv.Itoa(workers)+"conn", func(b *testing.B) {
				benchUpsert(b, s, rows, workers, false)
			})
		}
		if s.Dialect() == store.MySQL {
			b.Run("mysql/resync-1conn", func(b *testing.B) { benchUpsert(b, s, rows, 1, true) })
			b.Run("mysql/multirow-1conn", func(b *testing.B) {
				s.UseLoadData(false)
				defer s.UseLoadData(true)
				benchUpsert(b, s, rows, 1, false)
			})
			b.Run("mysql/load-data", func(b *testing.B) { benchLoadData(b, s, rows) })
		}
	}
}

// benchUpsert normalises and upserts every benchmark day with workers goroutines, each
// iteration into empty tables, or with stored set into tables that hold the rows already.
func benchUpsert(b *testing.B, s *store.Store, rows, workers int, stored bool) {
	days := benchRaws()
	write := func() error {
		var wg sync.WaitGroup
		errc := make(chan error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(days); i += workers {
					batch := billing.NormalizeAll(1, days[i])
					if len(batch.Rejected) > 0 {
						errc <- batch.Rejected[0].Err
						return
					}
					if _, err := s.UpsertLineItems(b.Context(), 1, batch.Items); err != nil {
						errc <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errc)
		return <-errc
	}
	var busy time.Duration
	for range b.N {
		b.StopTimer()
		resetBillingTables(b, s)
		if stored {
			if err := write(); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		err := write()
		busy += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/busy.Seconds(), "rows/s")
}

// benchLoadData loads the same normalised rows with LOAD DATA LOCAL INFILE from memory.
func benchLoadData(b *testing.B, s *store.Store, rows int) {
	ctx := b.Context()
	if _, err := s.DB().ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_load LIKE cost_line_items"); err != nil {
		b.Fatal(err)
	}
	var tsv bytes.Buffer
	for _, day := range benchRaws() {
		for _, li := range billing.NormalizeAll(1, day).Items {
			f := []string{"1", li.ChargeDate, hex.EncodeToString(li.Key[:]), li.BillingPeriod, li.WeekStart,
				li.BillingAccountID, li.BillingAccountName, li.SubAccountID, li.SubAccountName,
				li.ServiceCode, li.ServiceName, li.ServiceCategory, li.ProductType, li.ChargeCategory, li.ChargeFrequency,
				li.ResourceID, li.ResourceName, li.RegionID, li.RegionName, li.Zone,
				strconv.FormatInt(int64(li.ListCost), 10), strconv.FormatInt(int64(li.BilledCost), 10),
				strconv.FormatInt(int64(li.EffectiveCost), 10), strconv.FormatInt(int64(li.InvoiceDiscount), 10),
				strconv.FormatInt(int64(li.CouponDeduction), 10), strconv.FormatInt(int64(li.CashCouponDeduction), 10),
				strconv.FormatInt(int64(li.PrepaidCardDeduction), 10), li.PricingQuantity, li.PricingUnit,
				li.SubscriptionType, li.BillingItem, li.BillingItemName, li.ResourceGroup, li.CostUnit, li.Currency, "1"}
			for i := range f {
				f[i] = strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n").Replace(f[i])
			}
			tsv.WriteString(strings.Join(f, "\t"))
			tsv.WriteByte('\n')
		}
	}
	data := tsv.Bytes()
	mysql.RegisterReaderHandler("bench_items", func() io.Reader { return bytes.NewReader(data) })
	defer mysql.DeregisterReaderHandler("bench_items")
	q := "LOAD DATA LOCAL INFILE 'Reader::bench_items' INTO TABLE bench_load CHARACTER SET utf8mb4 " +
		"(account_id, charge_date, @key, billing_period, week_start, billing_account_id, billing_account_name, " +
		"sub_account_id, sub_account_name, service_code, service_name, service_category, product_type, charge_category, " +
		"charge_frequency, resource_id, resource_name, region_id, region_name, zone, list_cost, billed_cost, effective_cost, " +
		"invoice_discount, coupon_deduction, cash_coupon_deduction, prepaid_card_deduction, pricing_quantity, pricing_unit, " +
		"subscription_type, billing_item, billing_item_name, resource_group, cost_unit, currency, sync_id) SET item_key = UNHEX(@key)"
	var busy time.Duration
	for range b.N {
		b.StopTimer()
		if _, err := s.DB().ExecContext(ctx, "DELETE FROM bench_load"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := s.DB().ExecContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		busy += time.Since(start)
		if n, _ := res.RowsAffected(); n != int64(rows) {
			b.Fatalf("LOAD DATA loaded %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/busy.Seconds(), "rows/s")
}
