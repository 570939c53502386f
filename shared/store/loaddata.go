package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-sql-driver/mysql"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// The MySQL write path of UpsertLineItems: each batch goes to the server as one
// tab-separated stream with LOAD DATA LOCAL INFILE … REPLACE instead of multi-row INSERTs
// with tens of thousands of `?` arguments, whose parsing is where the multi-row upsert
// spends its time. REPLACE is the upsert here: the natural key is the table's only unique
// key and every column is written, so replacing a stored row leaves what ON DUPLICATE KEY
// UPDATE would, and a key named twice in one batch keeps its last row, as the upsert does.
// (InnoDB carries out such a REPLACE as an update in place: the conflict is on the primary
// key and there are no foreign keys or triggers.) Tags are a tag set id on the row
// (tagsets.go).
//
// LOCAL INFILE needs the server to allow it. MariaDB ships with local_infile=ON; MySQL 8.0
// ships with it OFF, and RDS MySQL 8.0 lets it be switched on (the local_infile parameter
// of the instance's parameter template). When the server refuses, the store logs it once
// and uses the multi-row upsert from then on. The driver needs no DSN flag for this:
// allowAllFiles only concerns files on disk, while 'Reader::<name>' streams come from
// mysql.RegisterReaderHandler and are always allowed.

// Load-data states of a Store.
const (
	loadProbe   int32 = iota // not tried yet: the next batch tries it
	loadWorks                // the server accepted LOCAL INFILE
	loadRefused              // the server refused it: multi-row upsert only
	loadOff                  // switched off with UseLoadData(false)
)

func (s *Store) loadState() *atomic.Int32 { return &s.loadData }

// UseLoadData chooses how UpsertLineItems writes on MySQL: with enabled, through LOAD
// DATA LOCAL INFILE … REPLACE when the server allows it (the default, probed on first
// use); without, always through multi-row INSERT … ON DUPLICATE KEY UPDATE. Both give
// the same rows. SQLite stores ignore it.
func (s *Store) UseLoadData(enabled bool) {
	if enabled {
		s.loadState().Store(loadProbe)
	} else {
		s.loadState().Store(loadOff)
	}
}

// loadDataUsable reports whether the next batch should try LOAD DATA.
func (s *Store) loadDataUsable() bool {
	if s.dialect != MySQL {
		return false
	}
	st := s.loadState().Load()
	return st == loadProbe || st == loadWorks
}

// errLoadDeclined means the LOAD DATA path did not write the batch and the multi-row
// upsert should: the server refuses LOCAL INFILE, or it reported warnings while loading
// (a value too long, say), which the upsert turns into the usual translated error.
var errLoadDeclined = errors.New("load data declined")

var readerSeq atomic.Uint64

// loadLineItems writes items (at most one transaction's worth), tagSets[i] the tag set of
// items[i], with one LOAD DATA LOCAL INFILE … REPLACE in one transaction. It returns
// errLoadDeclined when the caller should use the multi-row upsert.
func (s *Store) loadLineItems(ctx context.Context, syncID int64, items []billing.LineItem, tagSets []int64) error {
	var data bytes.Buffer
	for i := range items {
		appendItemTSV(&data, syncID, &items[i], tagSets[i])
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		return s.loadInto(ctx, tx, "cost_line_items", lineItemCols, data.Bytes())
	})
}

// loadInto streams data (TSV rows in cols order, item_key in hex) into table with LOAD
// DATA LOCAL INFILE … REPLACE in tx. It returns errLoadDeclined when the server refuses
// LOCAL INFILE or reports warnings.
func (s *Store) loadInto(ctx context.Context, tx *sql.Tx, table string, cols []string, data []byte) error {
	name := "cloudlens_" + table + "_" + strconv.FormatUint(readerSeq.Add(1), 10)
	mysql.RegisterReaderHandler(name, func() io.Reader { return bytes.NewReader(data) })
	defer mysql.DeregisterReaderHandler(name)

	list := make([]string, len(cols))
	for i, c := range cols {
		list[i] = c
		if c == "item_key" {
			list[i] = "@item_key"
		}
	}
	// The stream is utf8mb4 whatever the connection's character set; item_key travels as
	// hex so no key byte can be taken for a separator or an escape.
	q := "LOAD DATA LOCAL INFILE 'Reader::" + name + "' REPLACE INTO TABLE " + table + " CHARACTER SET utf8mb4" +
		" FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'" +
		" (" + strings.Join(list, ", ") + ") SET item_key = UNHEX(@item_key)"
	if _, err := tx.ExecContext(ctx, q); err != nil {
		var me *mysql.MySQLError
		// 1148 ER_NOT_ALLOWED_COMMAND (MySQL 5.7, MariaDB), 3948 ER_CLIENT_LOCAL_FILES_DISABLED
		// (MySQL 8.0), 4166 ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB 10.5+): local_infile is off.
		if errors.As(err, &me) && (me.Number == 1148 || me.Number == 3948 || me.Number == 4166) {
			if st := s.loadState(); st.CompareAndSwap(loadProbe, loadRefused) || st.CompareAndSwap(loadWorks, loadRefused) {
				s.log.WarnContext(ctx, "store: the MySQL server refuses LOAD DATA LOCAL INFILE (local_infile=OFF); "+
					"line items are written with multi-row upserts, which are slower. On RDS MySQL 8.0, set the "+
					"local_infile parameter to ON to enable the faster path.", "mysql_error", me.Number)
			}
			return errLoadDeclined
		}
		return fmt.Errorf("load %s: %w", table, err)
	}
	if s.loadState().CompareAndSwap(loadProbe, loadWorks) {
		s.log.InfoContext(ctx, "store: line items are written through LOAD DATA LOCAL INFILE")
	}
	// LOCAL turns data errors (a value too long for its column) into warnings and keeps
	// going; the upsert path reports them as the errors they are, so it takes over.
	var warnings int64
	if err := tx.QueryRowContext(ctx, "SELECT @@warning_count").Scan(&warnings); err != nil {
		return fmt.Errorf("load %s: read warnings: %w", table, err)
	}
	if warnings > 0 {
		return errLoadDeclined
	}
	return nil
}

// appendItemTSV appends li, with the id of its tag set, as one LOAD DATA row in lineItemCols order.
func appendItemTSV(buf *bytes.Buffer, syncID int64, li *billing.LineItem, tagSetID int64) {
	b := buf.AvailableBuffer()
	b = strconv.AppendInt(b, li.AccountID, 10)
	b = appendField(b, li.ChargeDate)
	b = append(b, '\t')
	b = hex.AppendEncode(b, li.Key[:])
	for _, v := range [...]string{
		li.BillingPeriod, li.WeekStart,
		li.BillingAccountID, li.BillingAccountName, li.SubAccountID, li.SubAccountName,
		li.ServiceCode, li.ServiceName, li.ServiceCategory, li.ProductType,
		li.ChargeCategory, li.ChargeFrequency, li.ResourceID, li.ResourceName,
		li.RegionID, li.RegionName, li.Zone,
	} {
		b = appendField(b, v)
	}
	for _, v := range [...]int64{
		int64(li.ListCost), int64(li.BilledCost), int64(li.EffectiveCost), int64(li.InvoiceDiscount),
		int64(li.CouponDeduction), int64(li.CashCouponDeduction), int64(li.PrepaidCardDeduction),
	} {
		b = append(b, '\t')
		b = strconv.AppendInt(b, v, 10)
	}
	for _, v := range [...]string{
		li.PricingQuantity, li.PricingUnit, li.SubscriptionType, li.BillingItem, li.BillingItemName,
		li.ResourceGroup, li.CostUnit, li.Currency,
	} {
		b = appendField(b, v)
	}
	b = append(b, '\t')
	b = strconv.AppendInt(b, syncID, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, tagSetID, 10)
	for _, v := range [...]int64{
		int64(li.ResourcePackageDeduction), int64(li.AdjustAmount), int64(li.PaymentAmount), int64(li.CashAmount),
		int64(li.OutstandingAmount),
	} {
		b = append(b, '\t')
		b = strconv.AppendInt(b, v, 10)
	}
	for _, v := range [...]string{
		li.ListPrice, li.ListPriceUnit, li.InstanceSpec, li.InstanceConfig, li.ServicePeriod, li.ServicePeriodUnit,
	} {
		b = appendField(b, v)
	}
	b = append(b, '\n')
	buf.Write(b)
}

// appendField appends a tab and v escaped for LOAD DATA's default ESCAPED BY '\\': the
// separators, the escape itself, CR and NUL become two-byte escapes. No column is
// nullable, so \N is never written, and a literal backslash-N in a value is written as
// \\N, which loads as the two characters.
func appendField(b []byte, v string) []byte {
	b = append(b, '\t')
	plain := 0 // v[plain:i] needs no escape
	for i := 0; i < len(v); i++ {
		var esc byte
		switch v[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case 0:
			esc = '0'
		default:
			continue
		}
		b = append(b, v[plain:i]...)
		b = append(b, '\\', esc)
		plain = i + 1
	}
	return append(b, v[plain:]...)
}
