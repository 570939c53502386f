package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
)

const accountColumns = "id, name, account_uid, site, auth_type, access_key_id, secret_enc, role_arn, regions, " +
	"demo, status, status_message, last_sync_at, created_at, updated_at"

// maxStatusMessage is the width of cloud_accounts.status_message, in characters.
const maxStatusMessage = 2000

func scanAccount(sc interface{ Scan(...any) error }) (account.Account, error) {
	var a account.Account
	var site, authType, status, regions string
	err := sc.Scan(&a.ID, &a.Name, &a.UID, &site, &authType, &a.AccessKeyID, &a.SecretEnc, &a.RoleARN, &regions,
		&a.Demo, &status, &a.StatusMessage, nullTimeCol{&a.LastSyncAt}, timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt})
	a.Site, a.AuthType, a.Status = account.Site(site), account.AuthType(authType), account.Status(status)
	a.Regions = splitRegions(regions)
	return a, err
}

// splitRegions reads the comma list of region ids; empty means none (not one empty id).
func splitRegions(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// accountError gives a duplicate (uid, site) its own wording.
func accountError(err error) error {
	err = Translate(err)
	if errs.Is(err, errs.KindConflict) && errs.Message(err) == msgConflict {
		return errs.Wrap(errs.KindConflict, err, "this Alibaba Cloud account is already registered for this site")
	}
	return err
}

// scopeFilter returns the SQL condition and arguments that keep only accounts in scope
// (column names the account id). ok is false when the scope is empty: no row can match,
// so the caller skips the query rather than send an empty IN list.
func scopeFilter(column string, scope account.Scope) (cond string, args []any, ok bool) {
	if scope.All {
		return "1 = 1", nil, true
	}
	ids := uniqueIDs(scope.IDs)
	if len(ids) == 0 {
		return "", nil, false
	}
	return column + " IN (" + placeholders(len(ids)) + ")", int64Args(ids), true
}

// CreateAccount inserts a and sets a.ID and the timestamps (and Status "new" when empty).
// An account with the same UID on the same site is KindConflict.
func (s *Store) CreateAccount(ctx context.Context, a *account.Account) error {
	t := now()
	status := a.Status
	if status == "" {
		status = account.StatusNew
	}
	res, err := s.db.ExecContext(ctx, "INSERT INTO cloud_accounts ("+
		"name, account_uid, site, auth_type, access_key_id, secret_enc, role_arn, regions, demo, status, status_message, last_sync_at, created_at, updated_at"+
		") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		a.Name, a.UID, string(a.Site), string(a.AuthType), a.AccessKeyID, secretArg(a.SecretEnc), a.RoleARN,
		strings.Join(a.Regions, ","), a.Demo, string(status), truncate(a.StatusMessage, maxStatusMessage),
		s.nullTS(a.LastSyncAt), s.ts(t), s.ts(t))
	if err != nil {
		return fmt.Errorf("store: create account: %w", accountError(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("store: create account: %w", err)
	}
	a.ID, a.Status, a.CreatedAt, a.UpdatedAt = id, status, t, t
	return nil
}

// GetAccount returns account id when it is within scope; otherwise KindNotFound, so that
// callers cannot probe for accounts they are not granted.
func (s *Store) GetAccount(ctx context.Context, scope account.Scope, id int64) (account.Account, error) {
	cond, args, ok := scopeFilter("id", scope)
	if !ok {
		return account.Account{}, fmt.Errorf("store: get account %d: %w", id, errs.NotFound("account not found"))
	}
	a, err := scanAccount(s.db.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM cloud_accounts WHERE id = ? AND "+cond,
		append([]any{id}, args...)...))
	if err != nil {
		return account.Account{}, fmt.Errorf("store: get account %d: %w", id, notFound(err, "account not found"))
	}
	return a, nil
}

// MissingAccounts returns those of ids (at most a few thousand) that name no account, in the
// order given, with one query.
func (s *Store) MissingAccounts(ctx context.Context, ids []int64) ([]int64, error) {
	ids = uniqueIDs(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := s.queryIDs(ctx, "missing accounts", "SELECT id FROM cloud_accounts WHERE id IN ("+placeholders(len(ids))+")", int64Args(ids))
	if err != nil {
		return nil, err
	}
	exists := make(map[int64]bool, len(found))
	for _, id := range found {
		exists[id] = true
	}
	var missing []int64
	for _, id := range ids {
		if !exists[id] {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// ListAccounts returns the accounts in scope ordered by name.
func (s *Store) ListAccounts(ctx context.Context, scope account.Scope) ([]account.Account, error) {
	out := []account.Account{}
	cond, args, ok := scopeFilter("id", scope)
	if !ok {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+accountColumns+" FROM cloud_accounts WHERE "+cond+" ORDER BY name, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", Translate(err))
	}
	return out, nil
}

// UpdateAccount saves every editable field of a. The encrypted secret is replaced only
// when a new one is given, because the API never sends the stored one back.
func (s *Store) UpdateAccount(ctx context.Context, a account.Account) error {
	q := "UPDATE cloud_accounts SET name = ?, account_uid = ?, site = ?, auth_type = ?, access_key_id = ?, " +
		"role_arn = ?, regions = ?, demo = ?, updated_at = ?"
	args := []any{a.Name, a.UID, string(a.Site), string(a.AuthType), a.AccessKeyID,
		a.RoleARN, strings.Join(a.Regions, ","), a.Demo, s.ts(now())}
	if len(a.SecretEnc) > 0 {
		q += ", secret_enc = ?"
		args = append(args, a.SecretEnc)
	}
	res, err := s.db.ExecContext(ctx, q+" WHERE id = ?", append(args, a.ID)...)
	if err != nil {
		return fmt.Errorf("store: update account %d: %w", a.ID, accountError(err))
	}
	if err := rowsAffected(res, "account not found"); err != nil {
		return fmt.Errorf("store: update account %d: %w", a.ID, err)
	}
	return nil
}

// accountTables are the tables whose rows belong to one account through an account_id column,
// children before parents. A test compares the list with the schema, so a table added by a
// later migration cannot be forgotten here. Tag sets (cost_tag_sets, cost_tag_set_tags) are
// shared by content across accounts and stay; unreferenced ones are harmless. budget_accounts
// stays too: it is a budget's scope, and dropping the deleted account from it would leave a
// budget with fewer (or no) accounts, which widens who may see it; such a budget now covers
// an account without figures and reads zero.
var accountTables = []string{
	"cost_line_items",
	"cost_amortized_daily",
	"cost_rollup_dirty",
	"billing_day_gaps",
	"cost_daily",
	"cost_daily_totals",
	"cost_daily_tags",
	"cost_daily_resources",
	"cost_daily_regions",
	"cost_daily_attrs",
	"cost_daily_subscriptions",
	"cost_monthly_resources",
	"cost_resource_lifetimes",
	"sync_rejects",
	"sync_days",
	"sync_runs",
	"anomalies",
	"anomaly_monitors",
	"idle_findings",
	"idle_rule_overrides",
	"resource_metric_days",
	"resource_prices",
	"resource_sync_runs",
	"resource_sync_progress",
	"resource_terms",
	"resources", // resource_tags go with their resources (ON DELETE CASCADE)
	"account_grants",
}

// AccountTables names the tables DeleteAccount clears of an account's rows.
func AccountTables() []string { return slices.Clone(accountTables) }

// DeleteAccount removes the account with everything recorded for it (line items, every cost
// roll-up, sync history and grants) in one transaction: either the account and all its figures
// are gone, or nothing changed. Callers must invalidate cached cost answers afterwards.
func (s *Store) DeleteAccount(ctx context.Context, id int64) error {
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		for _, table := range accountTables {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE account_id = ?", id); err != nil {
				return fmt.Errorf("%s: %w", table, Translate(err))
			}
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM cloud_accounts WHERE id = ?", id)
		if err != nil {
			return Translate(err)
		}
		return rowsAffected(res, "account not found")
	})
	if err != nil {
		return fmt.Errorf("store: delete account %d: %w", id, err)
	}
	return nil
}

// SetAccountStatus records the outcome of a connection test or sync. lastSync, when
// given, becomes the last successful sync time; nil keeps the previous one.
func (s *Store) SetAccountStatus(ctx context.Context, id int64, st account.Status, msg string, lastSync *time.Time) error {
	q := "UPDATE cloud_accounts SET status = ?, status_message = ?"
	args := []any{string(st), truncate(msg, maxStatusMessage)}
	if lastSync != nil {
		q += ", last_sync_at = ?"
		args = append(args, s.ts(*lastSync))
	}
	res, err := s.db.ExecContext(ctx, q+" WHERE id = ?", append(args, id)...)
	if err != nil {
		return fmt.Errorf("store: set account %d status: %w", id, Translate(err))
	}
	if err := rowsAffected(res, "account not found"); err != nil {
		return fmt.Errorf("store: set account %d status: %w", id, err)
	}
	return nil
}

// secretArg stores an absent secret as NULL rather than an empty blob.
func secretArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// truncate cuts s to at most n characters, on a character boundary.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
